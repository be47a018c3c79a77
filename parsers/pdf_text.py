"""Words placed on a PDF page -> lines -> paragraphs.

A paragraph wrapped over several lines is joined back: a line continues the one above when
the one above was full (the next line's first word would not have fitted after it) and the
gap between them is a normal line gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from parsers.layout import Checkbox, Paragraph, Part, Span, parts_from_text

_NEW_ITEM = re.compile(r"^(?:[•●▪◦*–-]|\(?\d{1,2}[.)]|\(?[a-h]\))\s")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False
    box: Checkbox | None = None  # a form checkbox placed here
    highlight: bool = False
    strike: bool = False
    confidence: float = 1.0  # OCR's confidence in the word, 0..1
    line: int | None = None  # OCR: the line the recogniser put the word on


@dataclass(frozen=True)
class TextLine:
    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def group_lines(words: list[Word]) -> list[TextLine]:
    """Words with overlapping heights form a line, read left to right (words placed by OCR
    keep the lines the recogniser gave them)."""
    if words and all(w.line is not None for w in words):
        return _recognised_lines(words)
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        middle = (word.top + word.bottom) / 2
        for line in reversed(lines[-3:]):
            if line[0].top - 1 <= middle <= max(w.bottom for w in line) + 1:
                line.append(word)
                break
        else:
            lines.append([word])
    ordered = [TextLine(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]
    return sorted(ordered, key=lambda line: line.top)


def _recognised_lines(words: list[Word]) -> list[TextLine]:
    lines: dict[int | None, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = [TextLine(tuple(sorted(line, key=lambda w: w.x0))) for line in lines.values()]
    return sorted(ordered, key=lambda line: (line.top, line.x0))


def split_wide_gaps(line: TextLine, gap: float) -> list[TextLine]:
    """A line whose words stand in separate columns (a table without rules), by column."""
    pieces: list[list[Word]] = [[line.words[0]]]
    for word in line.words[1:]:
        if word.x0 - pieces[-1][-1].x1 > gap:
            pieces.append([])
        pieces[-1].append(word)
    return [TextLine(tuple(piece)) for piece in pieces]


def paragraphs(
    lines: list[TextLine], right_edge: float | None = None
) -> list[tuple[float, Paragraph]]:
    """Wrapped lines joined into paragraphs, each with the top of its first line."""
    if not lines:
        return []
    edge = right_edge if right_edge is not None else max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    heights = sorted(line.bottom - line.top for line in lines)
    line_height = heights[len(heights) // 2] or 10.0
    groups: list[list[TextLine]] = [[lines[0]]]
    for previous, line in pairwise(lines):
        if _continues(previous, line, (left, edge), line_height):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [(group[0].top, Paragraph(tuple(_parts(group)))) for group in groups]


def _continues(
    previous: TextLine, line: TextLine, margins: tuple[float, float], line_height: float
) -> bool:
    """Whether ``line`` is the wrapped continuation of ``previous``: the gap is a line gap,
    the previous line was well filled and the next word would not have fitted on it."""
    left, edge = margins
    if line.top - previous.bottom > 0.9 * line_height:
        return False
    if _NEW_ITEM.match(line.text) or any(w.box for w in previous.words + line.words):
        return False
    if previous.x1 - left < 0.55 * (edge - left):
        return False
    first_word = line.words[0].x1 - line.words[0].x0
    space = line_height * 0.3
    return previous.x1 + space + first_word >= edge - 2


def _parts(group: list[TextLine]) -> list[Part]:
    parts: list[Part] = []
    for n, line in enumerate(group):
        for m, word in enumerate(line.words):
            if n or m:
                parts.append(Span(" "))
            if word.box is not None:
                parts.append(word.box)
            else:
                style = Span("", word.bold, word.highlight, word.strike, word.confidence)
                parts.extend(parts_from_text(word.text, style))
    return _merged(parts)


def _merged(parts: list[Part]) -> list[Part]:
    """Neighbouring spans of the same style joined (their confidence weighed by letters)."""
    merged: list[Part] = []
    for part in parts:
        last = merged[-1] if merged else None
        if (
            isinstance(part, Span)
            and isinstance(last, Span)
            and (part.bold == last.bold or not part.text.strip())
        ):
            confidence = _joined_confidence(last, part)
            text = last.text + part.text
            merged[-1] = Span(text, last.bold, last.highlight, last.strike, confidence)
        else:
            merged.append(part)
    return merged


def _joined_confidence(first: Span, second: Span) -> float:
    if first.confidence == second.confidence:
        return first.confidence
    weights = len(first.text.strip()), len(second.text.strip())
    if not sum(weights):
        return min(first.confidence, second.confidence)
    total = first.confidence * weights[0] + second.confidence * weights[1]
    return total / sum(weights)
