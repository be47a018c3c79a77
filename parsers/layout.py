"""A format-neutral picture of a document: ordered paragraphs and tables.

Every reader (docx, PDF text, AcroForm values, plain text, later OCR) turns its format into a
``Layout``; one label-matching extractor reads the form fields from it. A paragraph keeps its
pieces in order, text spans with style hints and checkboxes, so that the extractor can tell
which label a tick belongs to and which option is struck through or emphasised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from parsers.model import ParseProblem

# Characters people use as boxes. True: ticked, False: empty.
GLYPH_STATES: dict[str, bool] = {
    "☐": False,
    "□": False,
    "❑": False,
    "❒": False,
    "◻": False,
    "▢": False,
    "⬜": False,
    "☒": True,
    "☑": True,
    "✓": True,
    "✔": True,
    "■": True,
    "✗": True,
    "✘": True,
    "⊠": True,
    "⌧": True,
}

# Box characters of the symbol fonts, by font and character code (Wingdings "þ" is ☑).
SYMBOL_BOXES: dict[str, dict[int, bool]] = {
    "wingdings": {
        0xA8: False,
        0x6F: False,
        0x71: False,
        0x72: False,
        0xFE: True,
        0xFD: True,
        0xFC: True,
        0xFB: True,
        0x6E: True,
        0x78: True,
    },
    "wingdings 2": {
        0xA3: False,
        0x2A: False,
        0x30: False,
        0x52: True,
        0x53: True,
        0x54: True,
        0x50: True,
        0x4F: True,
        0x51: True,
    },
}


def symbol_box(font: str, code: int) -> bool | None:
    """The state a symbol-font character shows, or None when it is not a box."""
    return SYMBOL_BOXES.get(font, {}).get(code & 0xFF if code >= 0xF000 else code)


@dataclass(frozen=True)
class Span:
    """A run of text with the style hints that can mark a chosen or rejected option."""

    text: str
    bold: bool = False
    highlight: bool = False
    strike: bool = False
    confidence: float = 1.0  # 0..1: below 1 only for text recognised by OCR


@dataclass(frozen=True)
class Checkbox:
    """A box: ``state`` True (ticked), False (empty) or None (cannot be told)."""

    state: bool | None
    # "content-control", "legacy", "glyph", "pdf-form", "symbol", "scan", "drawn"
    kind: str = "glyph"
    label: str = ""  # the text next to it, filled in by ``Paragraph.checkboxes``


Part = Span | Checkbox


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or one line of a PDF): its pieces in reading order."""

    parts: tuple[Part, ...] = ()
    has_image: bool = False  # a picture, ink or drawing sits in this paragraph

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if isinstance(p, Span))

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(p for p in self.parts if isinstance(p, Span))

    @property
    def checkboxes(self) -> tuple[Checkbox, ...]:
        """The boxes with their labels: text before a box, or after it when a line starts
        with a box ("☐ Yes ☒ No")."""
        boxes = [i for i, p in enumerate(self.parts) if isinstance(p, Checkbox)]
        if not boxes:
            return ()
        labels_follow = not _text_between(self.parts, 0, boxes[0]).strip()
        result = []
        for n, index in enumerate(boxes):
            if labels_follow:
                end = boxes[n + 1] if n + 1 < len(boxes) else len(self.parts)
                label = _text_between(self.parts, index + 1, end)
            else:
                start = boxes[n - 1] + 1 if n > 0 else 0
                label = _text_between(self.parts, start, index)
            box = self.parts[index]
            assert isinstance(box, Checkbox)
            result.append(Checkbox(box.state, box.kind, " ".join(label.split())))
        return tuple(result)


def _text_between(parts: tuple[Part, ...], start: int, end: int) -> str:
    return "".join(p.text for p in parts[start:end] if isinstance(p, Span))


@dataclass(frozen=True)
class Cell:
    """A table cell: paragraphs and nested tables in order. ``span`` is the number of grid
    columns it covers; ``merged_above`` marks the empty continuation of a vertical merge."""

    blocks: tuple[Block, ...] = ()
    span: int = 1
    merged_above: bool = False

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.text)

    @property
    def checkboxes(self) -> tuple[Checkbox, ...]:
        return tuple(box for p in iter_paragraphs(self.blocks) for box in p.checkboxes)

    @property
    def has_image(self) -> bool:
        return any(p.has_image for p in iter_paragraphs(self.blocks))


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...] = ()

    @property
    def text(self) -> str:
        lines = [cell.text for row in self.rows for cell in row.cells]
        return "\n".join(line for line in lines if line)


Block = Paragraph | Table


@dataclass(frozen=True)
class Layout:
    """A whole document. ``digitally_signed``: a digital signature was found (a signed
    .docx package or a filled PDF signature field). ``recognised``: the text was read by
    OCR from page images, so each span carries the confidence of its words."""

    blocks: tuple[Block, ...] = ()
    format: str = "unknown"
    digitally_signed: bool = False
    problems: tuple[ParseProblem, ...] = ()  # what the reader could not do
    recognised: bool = False

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.text)


def iter_paragraphs(blocks: tuple[Block, ...]) -> Iterator[Paragraph]:
    """Every paragraph, also inside tables and nested tables, in reading order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        else:
            for row in block.rows:
                for cell in row.cells:
                    yield from iter_paragraphs(cell.blocks)


def parts_from_text(text: str, style: Span | None = None) -> list[Part]:
    """Split typed text into spans and checkboxes: each box character becomes a Checkbox."""
    template = style or Span("")
    parts: list[Part] = []
    current: list[str] = []
    for char in text:
        state = GLYPH_STATES.get(char)
        if state is None:
            current.append(char)
            continue
        if current:
            parts.append(_restyle(template, "".join(current)))
            current = []
        parts.append(Checkbox(state, "glyph"))
    if current:
        parts.append(_restyle(template, "".join(current)))
    return parts


def _restyle(template: Span, text: str) -> Span:
    return replace(template, text=text)


def paragraph_from_text(text: str) -> Paragraph:
    """A plain paragraph from typed text (box characters become checkboxes)."""
    return Paragraph(tuple(parts_from_text(text)))
