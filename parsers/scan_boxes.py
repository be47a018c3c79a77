"""Checkboxes on a scanned page, found beside the words OCR read.

Tesseract either drops a box (it is no letter) or reads it as a short odd word ("0", "[]",
"&"). Both are looked for: short square words, and patches of ink on a text line that no
word covers. Either counts only when the pixels show a box (four straight sides); its state
is read from the ink inside it.
"""

from __future__ import annotations

from PIL import Image

from parsers.ocr import OcrWord
from parsers.page_image import BoxReading, Segment, blobs_in_band, read_box

_BOX_WORD_CHARS = 3
_BAND_MARGIN = 0.35  # share of a line's height added above and below it
_SIZE_RANGE = (0.5, 1.9)  # a box's height against the usual word height


def find_boxes(ink_image: Image.Image, words: list[OcrWord]) -> tuple[list[BoxReading], set[int]]:
    """The boxes on the page, and the indexes of the words that were boxes misread as text."""
    height = _usual_height(words)
    if height is None:
        return [], set()
    size = (_SIZE_RANGE[0] * height, _SIZE_RANGE[1] * height)
    boxes: list[BoxReading] = []
    box_words: set[int] = set()
    for index, word in enumerate(words):
        if len(word.text) <= _BOX_WORD_CHARS and _squarish(word):
            area = (word.x0 - 2, word.top - 2, word.x1 + 2, word.bottom + 2)
            reading = read_box(ink_image, area, size)
            if reading is not None:
                boxes.append(reading)
                box_words.add(index)
    text = [w for n, w in enumerate(words) if n not in box_words]
    for top, bottom in _bands(text):
        for blob in blobs_in_band(ink_image, top, bottom):
            if _covered(blob, text) or _covered(blob, boxes):
                continue
            reading = read_box(ink_image, blob, size)
            if reading is not None:
                boxes.append(reading)
    return boxes, box_words


def _usual_height(words: list[OcrWord]) -> float | None:
    heights = sorted(w.bottom - w.top for w in words if len(w.text) > 1 and w.text.isalpha())
    return float(heights[len(heights) // 2]) if heights else None


def _squarish(word: OcrWord) -> bool:
    width, height = word.x1 - word.x0, word.bottom - word.top
    return height > 0 and 0.6 <= width / height <= 1.6


def _bands(words: list[OcrWord]) -> list[tuple[int, int]]:
    """The text lines of the page as horizontal bands (lines side by side in table cells
    share one band), widened a little above and below."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for word in words:
        extent = lines.setdefault(word.line, [word.top, word.bottom])
        extent[0], extent[1] = min(extent[0], word.top), max(extent[1], word.bottom)
    bands: list[list[int]] = []
    for top, bottom in sorted(lines.values()):
        if bands and top < bands[-1][1] - 0.5 * (bottom - top):
            bands[-1][1] = max(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    result = []
    for top, bottom in bands:
        margin = int(_BAND_MARGIN * (bottom - top))
        result.append((max(0, top - margin), bottom + margin))
    return result


def _covered(blob: Segment, items: list[OcrWord] | list[BoxReading]) -> bool:
    """Whether a patch of ink overlaps a word or a box already found."""
    x0, top, x1, bottom = blob
    return any(
        item.x0 < x1 and x0 < item.x1 and item.top < bottom and top < item.bottom for item in items
    )
