"""What the pixels of a scanned page show: ruled lines, checkboxes and their state, tilt."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.page_image import deskew, find_rules, ink, is_blank, read_box, skew_correction
from parsers.scan_page import tables
from tests.parsers.scan_builders import FONTS


def _page(width: int = 1200, height: int = 900) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("L", (width, height), 255)
    return page, ImageDraw.Draw(page)


def _table(draw: ImageDraw.ImageDraw) -> None:
    """A 2 x 3 ruled table with text in its cells, and a filled block beside it."""
    for y in (100, 200, 300, 400):
        draw.line((100, y, 900, y), fill=0, width=3)
    for x in (100, 400, 900):
        draw.line((x, 100, x, 400), fill=0, width=3)
    font = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 48)
    draw.text((120, 120), "HEADING TEXT", font=font, fill=0)
    draw.rectangle((950, 100, 1150, 180), fill=0)


def test_ruled_lines_make_table_cells_and_blocks_do_not():
    page, draw = _page()
    _table(draw)
    rules = find_rules(ink(page), min_length=60, max_thickness=9)
    across = [r for r in rules if r[2] - r[0] > r[3] - r[1]]
    down = [r for r in rules if r[2] - r[0] < r[3] - r[1]]
    assert len({round(r[1], -1) for r in across}) == 4
    assert len({round(r[0], -1) for r in down}) == 3
    assert all(r[0] < 940 for r in rules), "the filled block is no ruled line"
    (table,) = tables(rules, 72 / 300)
    assert [len(row.cells) for row in table.rows] == [2, 2, 2]


def _box(draw: ImageDraw.ImageDraw, x: int, y: int, mark: str) -> tuple[int, int, int, int]:
    draw.rectangle((x, y, x + 40, y + 40), outline=0, width=3)
    if mark == "cross":
        draw.line((x + 6, y + 6, x + 34, y + 34), fill=0, width=4)
        draw.line((x + 6, y + 34, x + 34, y + 6), fill=0, width=4)
    elif mark == "filled":
        draw.rectangle((x, y, x + 40, y + 40), fill=0)
    elif mark == "dot":
        draw.rectangle((x + 17, y + 19, x + 21, y + 21), fill=0)
    return x - 4, y - 4, x + 45, y + 45


@pytest.mark.parametrize(
    ("mark", "state"), [("", False), ("cross", True), ("filled", True), ("dot", None)]
)
def test_box_state_is_read_from_the_ink_inside(mark, state):
    page, draw = _page(200, 200)
    area = _box(draw, 60, 60, mark)
    reading = read_box(ink(page), area, (25, 80))
    assert reading is not None and reading.state is state


@pytest.mark.parametrize("text", ["O", "D", "X", "0", "[x]"])
def test_letters_are_not_boxes(text):
    page, draw = _page(200, 200)
    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 56)
    draw.text((50, 50), text, font=font, fill=0)
    assert read_box(ink(page), (40, 40, 160, 130), (25, 80)) is None


def test_a_box_of_the_wrong_size_is_not_read():
    page, draw = _page(200, 200)
    area = _box(draw, 60, 60, "cross")
    assert read_box(ink(page), area, (60, 120)) is None


def test_a_tilted_page_is_turned_level():
    page, draw = _page(1200, 1600)
    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 36)
    for line in range(20):
        draw.text((100, 100 + 70 * line), "A line of text as a form has it " * 2, font=font, fill=0)
    tilted = page.rotate(2.0, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert skew_correction(tilted) == pytest.approx(-2.0, abs=0.3)
    assert skew_correction(page) == pytest.approx(0.0, abs=0.2)
    assert deskew(page) is page


def test_blank_page():
    page, draw = _page()
    assert is_blank(ink(page))
    draw.text((100, 100), "Some text on the page", fill=0)
    _table(draw)
    assert not is_blank(ink(page))
