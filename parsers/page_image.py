"""What the pixels of a scanned page show besides text: its skew, the ruled lines of its
tables, and checkboxes with their state.

Everything runs on PIL's C routines (thresholds, crops, box-filter resizes); Python only
walks short profiles. An ink image has 255 where there is ink and 0 on paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageDraw

INK_LEVEL = 160  # darker than this is ink
_FULL_RUN = re.compile(rb"[\xe0-\xff]{3,}")  # three coarse cells at least 88% ink
_ANY_INK = re.compile(rb"[^\x00]+")
_SKEW_MAX = 5  # degrees
_SKEW_WIDTH = 800

Segment = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels


@dataclass(frozen=True)
class BoxReading:
    """A checkbox seen on the page: ``state`` True (ink inside), False (empty) or None."""

    x0: int
    top: int
    x1: int
    bottom: int
    state: bool | None


def ink(gray: Image.Image, level: int = INK_LEVEL) -> Image.Image:
    """The ink of a greyscale page (255 ink, 0 paper): what is darker than ``level``."""
    return gray.point([255 if value < level else 0 for value in range(256)])


def is_blank(ink_image: Image.Image) -> bool:
    """Whether a page holds (almost) no ink: nothing to recognise."""
    return ink_image.resize((1, 1), Image.Resampling.BOX).tobytes()[0] == 0


def deskew(gray: Image.Image) -> Image.Image:
    """The page turned so that its lines run level (scans are often a degree or two off)."""
    angle = skew_correction(gray)
    if abs(angle) < 0.2:
        return gray
    return gray.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


def skew_correction(gray: Image.Image) -> float:
    """The turn (degrees, counter-clockwise) that levels the page's lines: whole degrees
    first, then quarters around the best."""
    small = ink(gray)
    small = small.resize((_SKEW_WIDTH, max(1, gray.height * _SKEW_WIDTH // gray.width)))
    coarse = max(range(-_SKEW_MAX, _SKEW_MAX + 1), key=lambda angle: _sharpness(small, angle))
    fine = [coarse + step / 4 for step in range(-3, 4)]
    return max(fine, key=lambda angle: _sharpness(small, angle))


def _sharpness(small: Image.Image, angle: float) -> float:
    """How sharply rows of ink and rows of paper alternate when turned by ``angle``."""
    turned = small.rotate(angle, resample=Image.Resampling.NEAREST) if angle else small
    rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).tobytes())
    mean = sum(rows) / len(rows)
    return sum((value - mean) ** 2 for value in rows)


def find_rules(ink_image: Image.Image, min_length: int, max_thickness: int) -> list[Segment]:
    """Horizontal and vertical lines at least ``min_length`` pixels long and at most
    ``max_thickness`` thick (a filled block, a picture or a stamp is no line)."""
    across = _strokes(ink_image, min_length, max_thickness)
    turned = ink_image.transpose(Image.Transpose.TRANSPOSE)
    down = _strokes(turned, min_length, max_thickness)
    return across + [(top, x0, bottom, x1) for x0, top, x1, bottom in down]


def _strokes(ink_image: Image.Image, min_length: int, max_thickness: int) -> list[Segment]:
    """Horizontal strokes: runs of ink in rows (``_row_runs``) stacked over the rows that
    follow each other, kept when they are thin."""
    open_strokes: list[list[int]] = []  # x0, top, x1, bottom
    done: list[list[int]] = []
    for y, runs in enumerate(_row_runs(ink_image, min_length)):
        still_open = []
        for x0, x1 in runs:
            stroke = next((s for s in open_strokes if s[3] == y and _overlap(s, x0, x1)), None)
            if stroke is None:
                stroke = [x0, y, x1, y]
                still_open.append(stroke)
            elif stroke not in still_open:
                still_open.append(stroke)
            stroke[0], stroke[2], stroke[3] = min(stroke[0], x0), max(stroke[2], x1), y + 1
        done.extend(s for s in open_strokes if s not in still_open)
        open_strokes = still_open
    done.extend(open_strokes)
    thin = [(s[0], s[1], s[2], s[3]) for s in done if s[3] - s[1] <= max_thickness]
    return [stroke for stroke in thin if _stands_alone(ink_image, stroke, max_thickness)]


def _stands_alone(ink_image: Image.Image, stroke: Segment, gap: int) -> bool:
    """Whether paper runs along a stroke just above and below it (a ruled line), unlike a
    row through letters that blur has run together."""
    x0, top, x1, bottom = stroke
    for y in (top - gap, bottom + gap - 1):
        if 0 <= y < ink_image.height:
            row = ink_image.crop((x0, y, x1, y + 1)).resize((1, 1), Image.Resampling.BOX)
            if row.tobytes()[0] > 0.5 * 255:
                return False
    return True


def _overlap(stroke: list[int], x0: int, x1: int) -> bool:
    """Whether a run continues a stroke: they cover mostly the same columns."""
    return min(stroke[2], x1) - max(stroke[0], x0) > 0.5 * max(stroke[2] - stroke[0], x1 - x0)


def _row_runs(ink_image: Image.Image, min_length: int) -> list[list[tuple[int, int]]]:
    """For each row, its runs of ink: the row is cut into cells of a third of
    ``min_length``, and three full cells side by side make a run (letters never fill them)."""
    columns = max(1, ink_image.width * 3 // max(min_length, 3))
    coarse = ink_image.resize((columns, ink_image.height), Image.Resampling.BOX).tobytes()
    cell = ink_image.width / columns
    rows = []
    for y in range(ink_image.height):
        row = coarse[y * columns : (y + 1) * columns]
        rows.append(
            [
                (
                    max(0, int((m.start() - 1) * cell)),
                    min(ink_image.width, int((m.end() + 1) * cell)),
                )
                for m in _FULL_RUN.finditer(row)
            ]
        )
    return rows


def without_rules(image: Image.Image, rules: list[Segment], paper: int) -> Image.Image:
    """The image with the ruled lines painted over in the colour of ``paper`` (0 on an ink
    image, 255 on a page), a pixel wider on each side for their blurred edges."""
    cleaned = image.copy()
    draw = ImageDraw.Draw(cleaned)
    for x0, top, x1, bottom in rules:
        draw.rectangle((x0 - 1, top - 1, x1, bottom), fill=paper)
    return cleaned


def blobs_in_band(ink_image: Image.Image, top: int, bottom: int) -> list[Segment]:
    """The separate patches of ink on a text line: columns with ink side by side, cut
    down to the rows of ink around the middle of the line (not what hangs in from the
    lines above and below)."""
    band = ink_image.crop((0, top, ink_image.width, bottom))
    profile = band.resize((band.width, 1), Image.Resampling.BOX).tobytes()
    found = []
    for match in _ANY_INK.finditer(profile):
        patch = band.crop((match.start(), 0, match.end(), band.height))
        rows = _middle_run(patch.resize((1, patch.height), Image.Resampling.BOX).tobytes())
        if rows is None:
            continue
        tight = patch.crop((0, rows[0], patch.width, rows[1])).getbbox()
        if tight is not None:
            x0 = match.start() + tight[0]
            found.append((x0, top + rows[0], match.start() + tight[2], top + rows[1]))
    return found


def _middle_run(rows: bytes) -> tuple[int, int] | None:
    """The run of inked rows nearest the middle row."""
    middle = len(rows) // 2
    runs = [(m.start(), m.end()) for m in _ANY_INK.finditer(rows)]
    return min(runs, key=lambda run: _distance(run, middle)) if runs else None


def _distance(run: tuple[int, int], row: int) -> int:
    if run[0] <= row < run[1]:
        return 0
    return min(abs(run[0] - row), abs(run[1] - row))


def read_box(ink_image: Image.Image, area: Segment, size: tuple[float, float]) -> BoxReading | None:
    """The checkbox drawn in ``area`` (four straight sides, about ``size`` = (least, most)
    pixels across), or None when the ink there is not a box."""
    x0, top, x1, bottom = area
    tight = ink_image.crop((x0, top, x1, bottom)).getbbox()
    if tight is None:
        return None
    box = ink_image.crop((x0 + tight[0], top + tight[1], x0 + tight[2], top + tight[3]))
    width, height = box.size
    least, most = size
    if not (least <= height <= most and 0.7 <= width / height <= 1.4):
        return None
    if not _has_four_sides(box):
        return None
    state = _inside_state(box)
    return BoxReading(x0 + tight[0], top + tight[1], x0 + tight[2], top + tight[3], state)


def _has_four_sides(box: Image.Image) -> bool:
    rows = box.resize((1, box.height), Image.Resampling.BOX).tobytes()
    columns = box.resize((box.width, 1), Image.Resampling.BOX).tobytes()
    edge_rows = max(1, box.height // 5)
    edge_columns = max(1, box.width // 5)
    sides = (rows[:edge_rows], rows[-edge_rows:], columns[:edge_columns], columns[-edge_columns:])
    return all(max(side) >= 0.8 * 255 for side in sides)


def _inside_state(box: Image.Image) -> bool | None:
    """Ticked when the inner part holds ink, empty when it is clean, else unclear."""
    inset_x, inset_y = max(2, box.width * 3 // 10), max(2, box.height * 3 // 10)
    inner = box.crop((inset_x, inset_y, box.width - inset_x, box.height - inset_y))
    if inner.width < 1 or inner.height < 1:
        return None
    filled = inner.resize((1, 1), Image.Resampling.BOX).tobytes()[0] / 255
    if filled >= 0.10:
        return True
    if filled <= 0.03:
        return False
    return None
