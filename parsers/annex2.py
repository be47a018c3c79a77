"""Annex 2, the results framework: the table whose columns are headed OUTPUTS, INDICATORS,
OUTCOMES, INDICATORS (in any shipped language), read by header, not by position.

A row is a template area (1..8) when its title matches a template title; otherwise it is a
row the applicant added (number None). A row without a title continues the row above (a row
split over two pages, a vertically merged title).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from parsers.labels import load_label_sets
from parsers.layout import Block, Cell, Paragraph, Row, Table
from parsers.model import ThematicArea
from parsers.textfold import fold, strip_enumerator, tidy

COLUMNS = ("outputs", "output_indicators", "outcomes", "outcome_indicators")
_BLANK = frozenset({"", "n a", "na", "none", "nil", "x"})


@dataclass(frozen=True)
class Framework:
    """A results framework table was found; ``areas`` are its rows with content."""

    areas: tuple[ThematicArea, ...]


def read_framework(blocks: tuple[Block, ...]) -> Framework | None:
    """The results framework of a document, or None when it has none."""
    tables = list(_tables(blocks))
    for n, table in enumerate(tables):
        header_at, columns = _find_header(table)
        if header_at is None:
            continue
        rows = list(table.rows[header_at + 1 :])
        width = _width(table.rows[header_at])
        for following in tables[n + 1 :]:
            if _find_header(following)[0] is not None or _width(following.rows[0]) != width:
                break
            rows.extend(following.rows)
        return Framework(tuple(_areas(rows, columns)))
    return None


def _tables(blocks: tuple[Block, ...]) -> Iterator[Table]:
    for block in blocks:
        if isinstance(block, Table):
            yield block
            for row in block.rows:
                for cell in row.cells:
                    yield from _tables(cell.blocks)


def _width(row: Row) -> int:
    return sum(cell.span for cell in row.cells)


def _grid(row: Row) -> dict[int, Cell]:
    """Cells by the grid column they start at."""
    cells: dict[int, Cell] = {}
    column = 0
    for cell in row.cells:
        cells[column] = cell
        column += cell.span
    return cells


def _find_header(table: Table) -> tuple[int | None, dict[str, int]]:
    for n, row in enumerate(table.rows[:4]):
        columns = _header_columns(row)
        if "outputs" in columns and "outcomes" in columns:
            return n, columns
    return None, {}


def _header_columns(row: Row) -> dict[str, int]:
    words = _header_words()
    columns: dict[str, int] = {}
    last = ""
    for column, cell in _grid(row).items():
        text = f" {fold(cell.text)} "
        has = {kind: any(f" {w} " in text for w in words[kind]) for kind in words}
        if has["indicators"]:
            kind = "output_indicators" if has["outputs"] or last == "outputs" else ""
            kind = "outcome_indicators" if has["outcomes"] or last == "outcomes" else kind
        elif has["outcomes"] or has["outputs"]:
            kind = "outcomes" if has["outcomes"] else "outputs"
            last = kind
        else:
            kind = "title" if has["areas_header"] else ""
        if kind and kind not in columns:
            columns[kind] = column
    columns.setdefault("title", min(set(_grid(row)) - set(columns.values()), default=0))
    return columns


def _areas(rows: list[Row], columns: dict[str, int]) -> Iterator[ThematicArea]:
    current: dict[str, str] | None = None
    for row in rows:
        cells = _grid(row)
        values = {k: _cell_text(cells.get(c)) for k, c in columns.items()}
        title = _clean_title(values.pop("title", ""))
        if not title and current is not None:
            for key in COLUMNS:
                current[key] = tidy(f"{current[key]}\n{values.get(key, '')}")
            continue
        if current is not None:
            yield from _area(current)
        current = {"title": title, **{k: values.get(k, "") for k in COLUMNS}}
    if current is not None:
        yield from _area(current)


def _area(values: dict[str, str]) -> Iterator[ThematicArea]:
    content = {k: (v if fold(v) not in _BLANK else None) for k, v in values.items() if k != "title"}
    if not any(content.values()):
        return
    title = values["title"] or None
    yield ThematicArea(
        area_number(title or ""),
        title,
        content["outputs"],
        content["output_indicators"],
        content["outcomes"],
        content["outcome_indicators"],
    )


def _cell_text(cell: Cell | None) -> str:
    if cell is None or cell.merged_above:
        return ""
    lines = [b.text for b in cell.blocks if isinstance(b, Paragraph | Table)]
    return tidy("\n".join(lines))


def _clean_title(text: str) -> str:
    """The title without the MANDATORY mark."""
    marks = _mandatory_words()
    lines = [line for line in text.split("\n") if fold(line) not in marks]
    cleaned = "\n".join(lines)
    for mark in marks:
        folded = fold(cleaned)
        if folded.startswith(mark + " "):
            cleaned = cleaned[_prefix_length(cleaned, mark) :]
    return tidy(cleaned).replace("\n", " ").strip(" :-–")


def _prefix_length(text: str, folded_prefix: str) -> int:
    for end in range(1, len(text) + 1):
        if fold(text[:end]) == folded_prefix:
            return end
    return 0


def area_number(title: str) -> int | None:
    """The template area (1..8) a row title names, or None for an area the applicant added."""
    name = fold(strip_enumerator(title))
    if not name:
        digits = fold(title)
        return int(digits) if digits.isdigit() and 1 <= int(digits) <= 8 else None
    for number, titles in _area_titles().items():
        if name in titles:
            return number
    best, best_score = None, 0.0
    for number, titles in _area_titles().items():
        for template in titles:
            score = _similarity(name, template)
            if score > best_score:
                best, best_score = number, score
    return best if best_score >= 0.75 else None


def _similarity(a: str, b: str) -> float:
    if a == b or a.startswith(b) or (b.startswith(a) and len(a) > 12):
        return 1.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / max(len(words_a | words_b), 1)
    return max(ratio, overlap)


@cache
def _area_titles() -> dict[int, tuple[str, ...]]:
    titles: dict[int, list[str]] = {}
    for data in load_label_sets().raw.values():
        for number, texts in data.get("annex2", {}).get("areas", {}).items():
            titles.setdefault(int(number), []).extend(fold(t) for t in texts)
    return {n: tuple(t) for n, t in titles.items()}


@cache
def _header_words() -> dict[str, tuple[str, ...]]:
    section: dict[str, list[str]] = {}
    for data in load_label_sets().raw.values():
        for key in ("areas_header", "outputs", "outcomes", "indicators"):
            section.setdefault(key, []).extend(fold(t) for t in data.get("annex2", {}).get(key, []))
    return {k: tuple(dict.fromkeys(v)) for k, v in section.items()}


@cache
def _mandatory_words() -> frozenset[str]:
    return frozenset(
        fold(t)
        for d in load_label_sets().raw.values()
        for t in d.get("annex2", {}).get("mandatory", [])
    )
