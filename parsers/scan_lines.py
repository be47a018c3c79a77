"""The text lines of a scanned page, from the lines Tesseract found.

Tesseract's lines are trusted over word boxes: on a blurred scan a word's box may swallow a
ruled line or a shading and reach into the next line, so lines are never joined by word
heights alone. Lines side by side at one height (the cells of a table row) become one
page line; lines whose words overlap horizontally always stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parsers.ocr import OcrWord

LineKey = tuple[int, int, int]


@dataclass(frozen=True)
class PageLine:
    number: int
    top: float  # the usual top and bottom of its words, in pixels
    bottom: float


@dataclass
class _Group:
    top: float
    bottom: float
    spans: list[tuple[int, int]]
    keys: list[LineKey]


def page_lines(words: list[OcrWord]) -> dict[LineKey, PageLine]:
    """For each of Tesseract's lines, the page line it belongs to."""
    found: dict[LineKey, list[OcrWord]] = {}
    for word in words:
        found.setdefault(word.line, []).append(word)
    groups: list[_Group] = []
    for key, members in sorted(found.items(), key=lambda item: _median(w.top for w in item[1])):
        top, bottom = _median(w.top for w in members), _median(w.bottom for w in members)
        span = (min(w.x0 for w in members), max(w.x1 for w in members))
        group = next((g for g in reversed(groups[-4:]) if _beside(g, top, bottom, span)), None)
        if group is None:
            groups.append(_Group(top, bottom, [span], [key]))
        else:
            group.top, group.bottom = min(group.top, top), max(group.bottom, bottom)
            group.spans.append(span)
            group.keys.append(key)
    return {
        key: PageLine(number, group.top, group.bottom)
        for number, group in enumerate(groups)
        for key in group.keys
    }


def nearest_line(lines: list[PageLine], top: float, bottom: float) -> PageLine | None:
    """The page line a mark between ``top`` and ``bottom`` sits on."""
    middle = (top + bottom) / 2
    return min(lines, key=lambda line: abs((line.top + line.bottom) / 2 - middle), default=None)


def _beside(group: _Group, top: float, bottom: float, span: tuple[int, int]) -> bool:
    shared = min(group.bottom, bottom) - max(group.top, top)
    if shared < 0.5 * min(group.bottom - group.top, bottom - top):
        return False
    return not any(x0 < span[1] and span[0] < x1 for x0, x1 in group.spans)


def _median(values: Iterable[int]) -> float:
    ordered = sorted(values)
    return float(ordered[len(ordered) // 2])
