"""Scanned forms for the tests: filled forms rendered to pictures, with the ways real scans
go wrong (blur, speckles, a tilt), saved as image-only PDFs or picture files."""

from __future__ import annotations

import io
import random
import struct
import zlib
from functools import cache
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.parsers import pdf_builders as pdf

FONTS = Path("/usr/share/fonts/truetype/dejavu")
JUSTIFICATION = (
    "Our National Authority was designated in 2001 and coordinates six ministries. "
    "It needs support with implementing legislation and customs training."
)
ANSWERS = {
    "state_party": "Ghana",
    "national_authority": "National Authority of Ghana",
    "contact_person": "Mr Kofi Mensah",
    "phone": "+233 30 266 4567",
    "email": "k.mensah@na.gov.gh",
    "partner": "The National Authority of Kenya.",
    "timeline": "October 2025",
    "results": "Draft law finalised.",
    "date": "12/03/2025",
}


def _below(text: str, x: float, answer: str, gap: float = 4) -> tuple[int, float, float, str]:
    page, _, _, _, bottom = pdf.find(text)
    return page, x, bottom + gap, answer


def _beside(text: str, x: float, answer: str) -> tuple[int, float, float, str]:
    page, _, top, _, _ = pdf.find(text)
    return page, x, top, answer


def _cross_in_box(after: str, option: str) -> tuple[int, str]:
    """PDF drawing operators that put an X inside the box that follows ``option`` on the
    line that starts with ``after``."""
    _, _, _, option_end, _ = pdf.word_box(option, after)
    page, x0, top, x1, bottom = box_after(after, option_end)
    height = pdf.page_height(page)
    left, low, right, high = x0 + 2.5, height - bottom + 3.5, x1 - 2.5, height - top - 3.5
    return page, (
        f"1.2 w {left:.1f} {low:.1f} m {right:.1f} {high:.1f} l S "
        f"{left:.1f} {high:.1f} m {right:.1f} {low:.1f} l S"
    )


def box_after(after: str, x: float) -> tuple[int, float, float, float, float]:
    """The first box glyph right of ``x`` on the line that starts with ``after``."""
    import pdfplumber

    page, _, line_top, _, line_bottom = pdf.find(after)
    with pdfplumber.open(io.BytesIO(pdf.BLANK)) as document:
        boxes = [
            w
            for w in document.pages[page].extract_words()
            if w["text"] == "☐" and line_top - 1 <= w["top"] <= line_bottom and w["x0"] > x
        ]
    first = min(boxes, key=lambda w: w["x0"])
    return page, first["x0"], first["top"], first["x1"], first["bottom"]


@cache
def official_form_pdf(*, mode: str = "Seeking", sponsorship: str = "No") -> bytes:
    """The official PDF form typed in, with X drawn inside the chosen boxes."""
    page, _, top, x1, _ = pdf.find("Date:")
    writes = [
        _beside("National Authority", 226, ANSWERS["national_authority"]),
        _beside("(a) State Party", 226, ANSWERS["state_party"]),
        _beside("(b) Contact person", 226, ANSWERS["contact_person"]),
        _below("(c) Contact information", 226, ANSWERS["phone"], 2),
        _below("(c) Contact information", 385, ANSWERS["email"], 2),
        _below("achievements in those areas.", 62, JUSTIFICATION, 6),
        _below("whether the initial agreement", 84, ANSWERS["partner"], 6),
        _below("2. Please indicate suggested", 84, ANSWERS["timeline"], 6),
        _below("results framework document.", 84, ANSWERS["results"], 6),
        (page, x1 + 4, top, ANSWERS["date"]),
    ]
    drawings = [
        _cross_in_box("Partnership mode", _option_word(mode)),
        _cross_in_box("Sponsorship required", sponsorship),
    ]
    return pdf.overlay(writes, drawings=drawings)


def _option_word(mode: str) -> str:
    return "mentorship" if mode == "Seeking" else "Offering"


def page_images(data: bytes, dpi: int = 200) -> list[Image.Image]:
    """The pages of a PDF as greyscale pictures."""
    document = pypdfium2.PdfDocument(data)
    try:
        return [
            document[n].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for n in range(len(document))
        ]
    finally:
        document.close()


def degrade(
    image: Image.Image, *, blur: float = 0.0, speckles: float = 0.0, angle: float = 0.0
) -> Image.Image:
    """A worse copy: blurred, sprinkled with dark specks (a share of the pixels), tilted."""
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if speckles:
        chance = random.Random(7)
        draw = ImageDraw.Draw(image)
        for _ in range(int(image.width * image.height * speckles)):
            x, y = chance.randrange(image.width), chance.randrange(image.height)
            draw.point((x, y), fill=chance.randrange(0, 120))
    return image


def image_pdf(images: list[Image.Image], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer), as a scanner makes."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return buffer.getvalue()


def picture(image: Image.Image, kind: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def drawn_form(ticks: dict[str, str], width: int = 1700) -> Image.Image:
    """A form retyped in another layout, drawn as a page: "Label: answer" lines, and each
    choice as its options with a box glyph after each (☒ for the chosen one)."""
    modes = ("Offering mentorship", "Seeking mentorship")
    return drawn_page(
        [
            "# APPLICATION FORM",
            f"National Authority: {ANSWERS['national_authority']}",
            f"State Party: {ANSWERS['state_party']}",
            f"Contact person: {ANSWERS['contact_person']}",
            f"Phone number: {ANSWERS['phone']}",
            f"Email: {ANSWERS['email']}",
            choice_line("Partnership mode", modes, ticks["mode"]),
            choice_line("Sponsorship required", ("Yes", "No"), ticks["sponsorship"]),
            "# SECTION 5. AUTHORISATION",
            f"Date: {ANSWERS['date']}",
        ],
        width,
    )


def drawn_page(lines: list[str], width: int = 1700) -> Image.Image:
    """Lines of text drawn on an A4-shaped page ("# " starts a bold heading)."""
    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 34)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 38)
    page = Image.new("L", (width, int(width * 1.414)), 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(lines):
        heading = line.startswith("# ")
        text = line[2:] if heading else line
        draw.text((150, 160 + 90 * n), text, font=bold if heading else font, fill=0)
    return page


def choice_line(label: str, options: tuple[str, str], chosen: str) -> str:
    marks = [f"{option} {'☒' if option == chosen else '☐'}" for option in options]
    return f"{label}:   " + "     ".join(marks)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\x00" * 16)
    idat = (
        struct.pack(">I", len(data))
        + b"IDAT"
        + data
        + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    )
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + end
