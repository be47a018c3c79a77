"""One PDF page through pdfplumber: words (with form values and typed annotations added),
ruled tables with their cells filled, and marks (pictures, ink, stamps, drawn curves)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from parsers.layout import (
    GLYPH_STATES,
    SYMBOL_BOXES,
    Block,
    Cell,
    Checkbox,
    Paragraph,
    Row,
    Table,
    symbol_box,
)
from parsers.pdf_forms import FormWord
from parsers.pdf_text import TextLine, Word, group_lines, paragraphs

_CELL_PADDING = 4.0
_MARK_ANNOTATIONS = {"Ink", "Stamp"}
_TEXT_ANNOTATIONS = {"FreeText"}
_TICK_ANNOTATIONS = {"Ink", "Stamp", "FreeText", "Square", "Line", "PolyLine"}
Box = tuple[float, float, float, float]  # x0, top, x1, bottom
_BOX_SIDE = (5.0, 20.0)  # points: the sides of a drawn checkbox


@dataclass
class PageContent:
    height: float
    words: list[Word]
    tables: list[tuple[float, Block]] = field(default_factory=list)
    free_lines: list[TextLine] = field(default_factory=list)
    free_marks: list[float] = field(default_factory=list)  # tops of marks outside tables
    column_gap: float = 24.0


def read_page(page: Any, placed: list[FormWord]) -> PageContent:
    words = _marked_boxes(_styled(_words(page), page), page) + [_form_word(w) for w in placed]
    words += _drawn_boxes(words, page)
    words += _annotation_words(page)
    return place_content(float(page.height), words, _marks(page), _find_tables(page))


def place_content(
    height: float, words: list[Word], marks: list[Box], tables: list[Any]
) -> PageContent:
    """A page's words and marks put in its ruled tables (pdfplumber ``Table`` objects, or
    any object with the same ``rows`` and ``bbox``); the rest is free text."""
    content = PageContent(height, words)
    used: set[int] = set()
    used_marks: set[int] = set()
    for table in tables:
        top, block = _table(table, words, marks, used, used_marks)
        content.tables.append((top, block))
    free = [w for n, w in enumerate(words) if n not in used]
    content.free_lines = group_lines(free)
    content.free_marks = [m[1] for n, m in enumerate(marks) if n not in used_marks]
    content.column_gap = _column_gap(free)
    return content


def _words(page: Any) -> list[Word]:
    found = page.extract_words(
        keep_blank_chars=False, use_text_flow=False, extra_attrs=["fontname"]
    )
    words = []
    for raw in found:
        text = str(raw.get("text", ""))
        font = str(raw.get("fontname", "")).lower()
        box = _symbol_font_box(font, text)
        if text.strip():
            words.append(
                Word(
                    text,
                    float(raw["x0"]),
                    float(raw["x1"]),
                    float(raw["top"]),
                    float(raw["bottom"]),
                    "bold" in font,
                    box,
                )
            )
    return words


def _symbol_font_box(font: str, text: str) -> Checkbox | None:
    """A box drawn with a symbol font (Wingdings), whose character means nothing as text.
    When the font was replaced (LibreOffice writes OpenSymbol for a missing Wingdings), its
    character codes stay in the private area U+F000-F0FF and are read as Wingdings."""
    if len(text) != 1:
        return None
    name = font.split("+", 1)[-1].replace("-", " ")
    family = next((f for f in sorted(SYMBOL_BOXES, key=len, reverse=True) if f in name), None)
    if family is None:
        if not 0xF000 <= ord(text) <= 0xF0FF:
            return None
        family = "wingdings"
    state = symbol_box(family, ord(text))
    return Checkbox(state, "symbol") if state is not None else None


def _styled(words: list[Word], page: Any) -> list[Word]:
    """Words marked highlighted (a coloured box behind them) or struck (a thin line through
    their middle), as PDF renderings of Word's highlight and strike-through show them."""
    fills, rules = [], []
    for rect in list(page.rects) + list(page.lines):
        box = _box(rect)
        height = box[3] - box[1]
        if height <= 2.0 and box[2] - box[0] > 3:
            rules.append(box)
        elif rect.get("fill") and not _white(rect.get("non_stroking_color")):
            fills.append(box)
    if not fills and not rules:
        return words
    return [replace(w, highlight=_behind(w, fills), strike=_through(w, rules)) for w in words]


def _marked_boxes(words: list[Word], page: Any) -> list[Word]:
    """Empty box characters with a mark drawn over them (an X or a tick drawn with lines,
    pen ink, a stamp, a viewer's "fill and sign" tick) are ticked boxes."""
    boxes = [
        n for n, w in enumerate(words) if len(w.text) == 1 and GLYPH_STATES.get(w.text) is False
    ]
    if not boxes:
        return words
    shapes = [_box(o) for o in list(page.lines) + list(page.curves) + list(page.rects)]
    shapes += [_box(a) for a in _annotations(page) if _subtype(a) in _TICK_ANNOTATIONS]
    marked = list(words)
    for n in boxes:
        word = words[n]
        if any(_over(shape, word) for shape in shapes):
            marked[n] = replace(word, text="", box=Checkbox(True, "glyph"))
    return marked


def _drawn_boxes(words: list[Word], page: Any) -> list[Word]:
    """Boxes drawn as small squares rather than typed as characters (LibreOffice prints a
    Word legacy checkbox so): ticked when lines or curves cross it from corner to corner,
    or a filled shape sits inside it."""
    squares = [
        _box(rect)
        for rect in page.rects
        if _BOX_SIDE[0] <= rect["x1"] - rect["x0"] <= _BOX_SIDE[1]
        and abs((rect["x1"] - rect["x0"]) - (rect["bottom"] - rect["top"])) <= 1.5
    ]
    if not squares:
        return []
    typed = [w for w in words if w.box is not None or GLYPH_STATES.get(w.text) is not None]
    strokes = [_box(o) for o in list(page.lines) + list(page.curves)]
    fills = [
        _box(r) for r in page.rects if r.get("fill") and not _white(r.get("non_stroking_color"))
    ]
    found: list[Word] = []
    for square in dict.fromkeys(squares):  # a square drawn twice is one box
        middle = ((square[0] + square[2]) / 2, (square[1] + square[3]) / 2)
        if any(_inside(*middle, (w.x0, w.top, w.x1, w.bottom)) for w in typed):
            continue  # a frame around a typed box: that box says it
        ticked = any(_crosses(stroke, square) for stroke in strokes) or any(
            fill != square and _within(fill, square) for fill in fills
        )
        found.append(Word("", *_x_then_y(square), box=Checkbox(ticked, "drawn")))
    return found


def _crosses(stroke: Box, square: Box) -> bool:
    """A stroke inside the square spanning most of both its width and its height."""
    width, height = square[2] - square[0], square[3] - square[1]
    return (
        _within(stroke, square)
        and stroke[2] - stroke[0] >= 0.5 * width
        and stroke[3] - stroke[1] >= 0.5 * height
    )


def _within(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


def _x_then_y(box: Box) -> tuple[float, float, float, float]:
    """A box (x0, top, x1, bottom) in ``Word``'s order (x0, x1, top, bottom)."""
    return box[0], box[2], box[1], box[3]


def _over(shape: Box, word: Word) -> bool:
    """Whether a drawn shape sits on a character: its middle inside, and not much larger."""
    x, y = (shape[0] + shape[2]) / 2, (shape[1] + shape[3]) / 2
    size = max(word.x1 - word.x0, word.bottom - word.top)
    small = shape[2] - shape[0] <= 2.5 * size and shape[3] - shape[1] <= 2.5 * size
    return small and _inside(x, y, (word.x0, word.top, word.x1, word.bottom))


def _white(color: Any) -> bool:
    values = color if isinstance(color, list | tuple) else [color]
    numbers = [v for v in values if isinstance(v, int | float)]
    if len(numbers) == 4:  # CMYK
        return all(v <= 0.02 for v in numbers)
    return not numbers or all(v >= 0.98 for v in numbers) or all(v >= 0.8 for v in numbers)


def _behind(word: Word, fills: list[Box]) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    height = word.bottom - word.top
    return any(_inside(x, y, f) and f[3] - f[1] < 4 * height for f in fills)


def _through(word: Word, rules: list[Box]) -> bool:
    low = word.top + 0.3 * (word.bottom - word.top)
    high = word.top + 0.75 * (word.bottom - word.top)
    return any(
        low <= (r[1] + r[3]) / 2 <= high and r[0] <= word.x0 + 1 and r[2] >= word.x1 - 1
        for r in rules
    )


def _form_word(word: FormWord) -> Word:
    box = Checkbox(word.checked, "pdf-form") if word.is_checkbox else None
    return Word(word.text, word.x0, word.x1, word.top, word.bottom, False, box)


def _annotation_words(page: Any) -> list[Word]:
    """Text typed on the page with a viewer's "add text" tool (FreeText annotations)."""
    words = []
    for annotation in _annotations(page):
        contents = str(annotation.get("contents") or "").strip()
        if _subtype(annotation) in _TEXT_ANNOTATIONS and contents:
            for n, line in enumerate(contents.splitlines()):
                top = float(annotation["top"]) + n * 12.0
                words.append(
                    Word(line, float(annotation["x0"]), float(annotation["x1"]), top, top + 10.0)
                )
    return words


def _marks(page: Any) -> list[Box]:
    """Pictures, ink and stamp annotations, and drawn curves: what a signature looks like."""
    boxes: list[Box] = []
    for image in page.images:
        boxes.append(_box(image))
    for curve in page.curves:
        box = _box(curve)
        if box[2] - box[0] > 8 or box[3] - box[1] > 8:
            boxes.append(box)
    for annotation in _annotations(page):
        if _subtype(annotation) in _MARK_ANNOTATIONS:
            boxes.append(_box(annotation))
    return boxes


def _annotations(page: Any) -> list[dict[str, Any]]:
    try:
        return list(page.annots)
    except Exception:  # broken annotation dictionaries: none read
        return []


def _subtype(annotation: dict[str, Any]) -> str:
    value = (annotation.get("data") or {}).get("Subtype")
    return str(getattr(value, "name", value) or "")


def _box(item: dict[str, Any]) -> Box:
    return float(item["x0"]), float(item["top"]), float(item["x1"]), float(item["bottom"])


def _find_tables(page: Any) -> list[Any]:
    try:
        return list(page.find_tables())
    except Exception:  # odd drawings: read the page as free text
        return []


def _inside(x: float, y: float, box: Box) -> bool:
    return box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1


def _table(
    table: Any, words: list[Word], marks: list[Box], used: set[int], used_marks: set[int]
) -> tuple[float, Table]:
    rows: list[Row] = []
    for row in table.rows:
        spanned: list[tuple[Box, int]] = []
        for cell in row.cells:
            if cell is None:
                if spanned:
                    spanned[-1] = (spanned[-1][0], spanned[-1][1] + 1)
                continue
            x0, top, x1, bottom = (float(v) for v in cell)
            spanned.append(((x0, top, x1, bottom), 1))
        cells = [_cell(box, span, words, marks, used, used_marks) for box, span in spanned]
        rows.append(Row(tuple(cells)))
    return float(table.bbox[1]), Table(tuple(rows))


def _cell(
    box: Box, span: int, words: list[Word], marks: list[Box], used: set[int], used_marks: set[int]
) -> Cell:
    inside = []
    for n, word in enumerate(words):
        if n not in used and _inside((word.x0 + word.x1) / 2, (word.top + word.bottom) / 2, box):
            used.add(n)
            inside.append(word)
    placed = paragraphs(group_lines(inside), box[2] - _CELL_PADDING) if inside else []
    for n, mark in enumerate(marks):
        if n not in used_marks and _inside((mark[0] + mark[2]) / 2, (mark[1] + mark[3]) / 2, box):
            used_marks.add(n)
            placed.append((mark[1], Paragraph((), True)))
    placed.sort(key=lambda item: item[0])
    return Cell(tuple(p for _, p in placed), span)


def _column_gap(words: list[Word]) -> float:
    """A horizontal gap wider than this splits a line into columns."""
    widths = sorted((w.x1 - w.x0) / max(len(w.text), 1) for w in words)
    char = widths[len(widths) // 2] if widths else 5.0
    return max(24.0, 6 * char)
