"""Layout -> the document as a list of lines in reading order, each marked when it is a label.

Tables are read row by row, cell by cell, so an answer in the neighbouring cell follows its
label. A row made only of labels ("Phone number | Email(s)") followed by a row of answers is
read column by column, so each answer follows its own label. "Phone: x  Email: y" on one line
becomes two lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from parsers.labels import BOILERPLATE, LabelMatch, LabelSets, continues_label, label_end
from parsers.layout import Block, Cell, Checkbox, Layout, Paragraph, Part, Span, Table
from parsers.textfold import fold_with_map, strip_enumerator


@dataclass(frozen=True)
class Line:
    """One line of text (with its boxes). ``match`` is set when the line is a label."""

    parts: tuple[Part, ...]
    has_image: bool = False
    match: LabelMatch | None = None

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if isinstance(p, Span))

    @property
    def key(self) -> str | None:
        return self.match.label.key if self.match else None

    @property
    def answer_parts(self) -> tuple[Part, ...]:
        """The parts that are an answer: all of them, or those after the label."""
        if self.match is None:
            return self.parts
        if self.match.remainder_start is None:
            return ()
        return cut_parts(self.parts, self.match.remainder_start, len(self.text))

    @property
    def answer_text(self) -> str:
        return "".join(p.text for p in self.answer_parts if isinstance(p, Span)).strip()


def document_lines(layout: Layout, sets: LabelSets) -> list[Line]:
    """All lines of a document, labels marked, wrapped long labels followed to their end."""
    reader = _Reader(sets)
    raw = list(reader.blocks(layout.blocks))
    return _follow_wrapped_labels(raw)


class _Reader:
    def __init__(self, sets: LabelSets) -> None:
        self.sets = sets
        self.cache: dict[str, LabelMatch | None] = {}

    def match(self, text: str) -> LabelMatch | None:
        if text not in self.cache:
            self.cache[text] = self.sets.match(text) if text.strip() else None
        return self.cache[text]

    def blocks(self, blocks: tuple[Block, ...]) -> Iterator[Line]:
        for block in blocks:
            if isinstance(block, Paragraph):
                yield from self.paragraph(block)
            else:
                yield from self.table(block)

    def paragraph(self, paragraph: Paragraph) -> Iterator[Line]:
        pieces = _split_at_newlines(paragraph.parts)
        for n, parts in enumerate(pieces):
            image = paragraph.has_image and n == 0
            for piece in self.split_inline_labels(parts):
                text = "".join(p.text for p in piece if isinstance(p, Span))
                has_box = any(isinstance(p, Checkbox) for p in piece)
                if strip_enumerator(text).strip() or image or has_box:
                    yield Line(piece, image, self.match(text))

    def split_inline_labels(self, parts: tuple[Part, ...]) -> list[tuple[Part, ...]]:
        text = "".join(p.text for p in parts if isinstance(p, Span))
        if ":" not in text[1:] or len(text) > 400:
            return [parts]
        cuts = _inline_label_starts(text, self.sets)
        if not cuts:
            return [parts]
        bounds = [0, *cuts, len(text)]
        return [cut_parts(parts, a, b) for a, b in pairwise(bounds)]

    def table(self, table: Table) -> Iterator[Line]:
        rows = [
            [list(self.blocks(cell.blocks)) for cell in row.cells if not cell.merged_above]
            for row in table.rows
        ]
        index = 0
        while index < len(rows):
            row = rows[index]
            below = rows[index + 1] if index + 1 < len(rows) else None
            if below is not None and _is_label_row(row) and _is_answer_row(below):
                yield from _by_column(row, below)
                index += 2
                continue
            for cell_lines in row:
                yield from cell_lines
            index += 1


def _is_label_row(row: list[list[Line]]) -> bool:
    filled = [cell for cell in row if cell]
    return len(filled) >= 2 and all(
        len(cell) == 1
        and cell[0].match is not None
        and cell[0].match.remainder_start is None
        and cell[0].key != BOILERPLATE
        for cell in filled
    )


def _is_answer_row(row: list[list[Line]]) -> bool:
    return any(row) and not any(line.match for cell in row for line in cell)


def _by_column(labels: list[list[Line]], answers: list[list[Line]]) -> Iterator[Line]:
    for n, cell in enumerate(labels):
        yield from cell
        if n < len(answers):
            yield from answers[n]
    for cell in answers[len(labels) :]:
        yield from cell


def _follow_wrapped_labels(lines: list[Line]) -> list[Line]:
    """A long label cut over several lines (a wrapped PDF instruction): the continuation lines
    become part of the label; text after the label's end on the last one is an answer."""
    result: list[Line] = []
    pending, label_match = "", None
    for line in lines:
        if pending and line.match is None and label_match is not None:
            pending, answer = continues_label(pending, line.text)
            if answer is not None:
                start = _answer_start(line.text, answer)
                result.append(
                    Line(line.parts, line.has_image, LabelMatch(label_match.label, start))
                )
                continue
            pending = ""
        result.append(line)
        label_match = line.match
        pending = line.match.pending if line.match else ""
    return result


def _answer_start(text: str, folded_answer: str) -> int | None:
    if not folded_answer:
        return None
    folded, index_map = fold_with_map(text)
    position = folded.rfind(folded_answer)
    return index_map[position] if position >= 0 else None


def _inline_label_starts(text: str, sets: LabelSets) -> list[int]:
    """Where a short label followed by a colon starts inside a line (not at its start, and
    not inside a longer label: "mode:" in "Partnership mode:" is no cut)."""
    folded, index_map = fold_with_map(text)
    padded = f" {folded} "
    found: list[tuple[int, int, bool]] = []
    for label in sets.labels:
        if label.is_long or label.key == BOILERPLATE:
            continue
        at = padded.find(f" {label.folded} ")
        while at >= 0:
            begin = index_map[at]
            end = label_end(text, index_map[at + len(label.folded) - 1] + 1)
            found.append((begin, end, text[end:].lstrip(" ")[:1] == ":"))
            at = padded.find(f" {label.folded} ", at + 1)
    cuts = {
        begin
        for begin, end, colon in found
        if colon
        and begin > 0
        and strip_enumerator(text[:begin]).strip()
        and not any(b < begin < e for b, e, _ in found)
    }
    return sorted(cuts)


def _split_at_newlines(parts: tuple[Part, ...]) -> list[tuple[Part, ...]]:
    pieces: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Span) and "\n" in part.text:
            chunks = part.text.split("\n")
            for n, chunk in enumerate(chunks):
                if n:
                    pieces.append([])
                if chunk:
                    pieces[-1].append(replace(part, text=chunk))
        else:
            pieces[-1].append(part)
    return [tuple(piece) for piece in pieces]


def cut_parts(parts: tuple[Part, ...], start: int, end: int) -> tuple[Part, ...]:
    """The parts between two character offsets of the parts' text (boxes keep their place)."""
    result: list[Part] = []
    position = 0
    for part in parts:
        if isinstance(part, Checkbox):
            if start <= position < end or (position == end and end >= _length(parts)):
                result.append(part)
            continue
        begin, finish = position, position + len(part.text)
        low, high = max(begin, start), min(finish, end)
        if low < high:
            result.append(replace(part, text=part.text[low - begin : high - begin]))
        position = finish
    return tuple(result)


def _length(parts: tuple[Part, ...]) -> int:
    return sum(len(p.text) for p in parts if isinstance(p, Span))


def cell_lines(cell: Cell, sets: LabelSets) -> list[Line]:
    """The lines of one table cell (for readers of tables such as the results framework)."""
    return list(_Reader(sets).blocks(cell.blocks))
