"""One scanned page -> PageContent: turned level, its ruled lines found and painted out,
read by Tesseract (again in its own language when need be), its checkboxes found, and all of
it placed in points as a PDF page would have it."""

from __future__ import annotations

from typing import Any, cast

from pdfplumber.table import (
    Table,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from PIL import Image, ImageFilter

from parsers import ocr
from parsers.layout import Checkbox
from parsers.limits import ParseLimits
from parsers.page_image import (
    BoxReading,
    Segment,
    deskew,
    find_rules,
    ink,
    is_blank,
    without_rules,
)
from parsers.pdf_page import PageContent, place_content
from parsers.pdf_text import Word
from parsers.scan_boxes import find_boxes
from parsers.scan_language import better_language
from parsers.scan_lines import LineKey, PageLine, nearest_line, page_lines

POINTS_PER_INCH = 72.0
_RULE_INCHES = 0.2  # ruled lines shorter than this are not table borders
_RULE_THICKNESS = 0.03  # inches: a thicker stroke is a filled block, not a ruled line
_RULE_INK_LEVEL = 200  # ruled lines are looked for in lighter ink than text (blurred scans)
_TOLERANCE_POINTS = 3.0


def read_page_image(gray: Image.Image, dpi: float, limits: ParseLimits) -> PageContent:
    """One page: its words, boxes and ruled tables, in points as a PDF page would have them."""
    scale = POINTS_PER_INCH / dpi
    ink_image = ink(gray)
    if is_blank(ink_image):
        return PageContent(gray.height * scale, [])
    level = deskew(gray)
    if level is not gray:
        gray, ink_image = level, ink(level)
    thickness = max(2, int(dpi * _RULE_THICKNESS))
    rules = find_rules(ink(gray, _RULE_INK_LEVEL), int(dpi * _RULE_INCHES), thickness)
    clean = without_rules(gray, rules, 255).filter(ImageFilter.MedianFilter(3))
    words = _recognise(clean, round(dpi), limits)
    boxes, box_words = find_boxes(without_rules(ink_image, rules, 0), words)
    lines = page_lines(words)
    placed = _placed_words(words, box_words, lines, scale)
    known = sorted(set(lines.values()), key=lambda line: line.number)
    placed += [_box_word(box, nearest_line(known, box.top, box.bottom), scale) for box in boxes]
    return place_content(gray.height * scale, placed, [], tables(rules, scale))


def _recognise(page: Image.Image, dpi: int, limits: ParseLimits) -> list[ocr.OcrWord]:
    """The page's words, read again in its own language when that is not the first one."""
    first, *others = ocr.languages(limits)
    words = ocr.recognise(page, dpi, first, limits)
    better = better_language(words, first, others)
    if better is None:
        return words
    return ocr.recognise(page, dpi, f"{better}+{first}", limits)


def _placed_words(
    words: list[ocr.OcrWord], skipped: set[int], lines: dict[LineKey, PageLine], scale: float
) -> list[Word]:
    """The recognised words in points, each at the height of its page line."""
    placed = []
    for n, word in enumerate(words):
        if n not in skipped:
            line = lines[word.line]
            top, bottom = line.top * scale, line.bottom * scale
            x0, x1 = word.x0 * scale, word.x1 * scale
            placed.append(
                Word(word.text, x0, x1, top, bottom, confidence=word.confidence, line=line.number)
            )
    return placed


def _box_word(box: BoxReading, line: PageLine | None, scale: float) -> Word:
    """A box as a word of its own, on the text line beside it."""
    checkbox = Checkbox(box.state, "scan")
    top, bottom = (line.top, line.bottom) if line else (box.top, box.bottom)
    number = line.number if line else -1
    return Word(
        "", box.x0 * scale, box.x1 * scale, top * scale, bottom * scale, box=checkbox, line=number
    )


def tables(rules: list[Segment], scale: float) -> list[Any]:
    """Ruled tables from the lines found on the page (pdfplumber's own cell finding)."""
    edges = [_edge(rule, scale) for rule in rules]
    tolerance = _TOLERANCE_POINTS
    edges = merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    crossings = edges_to_intersections(edges, tolerance, tolerance)
    groups = cells_to_tables(intersections_to_cells(crossings))
    return [Table(cast(Any, None), cells) for cells in groups]


def _edge(rule: Segment, scale: float) -> dict[str, Any]:
    x0, top, x1, bottom = rule
    if x1 - x0 >= bottom - top:
        y = (top + bottom) / 2 * scale
        left, right = x0 * scale, x1 * scale
        return _edge_dict(left, y, right, y, "h")
    x = (x0 + x1) / 2 * scale
    return _edge_dict(x, top * scale, x, bottom * scale, "v")


def _edge_dict(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict[str, Any]:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }
