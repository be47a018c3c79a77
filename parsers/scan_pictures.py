"""Page images for OCR: the pages of a scanned PDF rendered, and pictures (PNG, JPEG, TIFF...)
opened safely and brought to about the OCR resolution."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import pypdfium2
from PIL import Image, ImageOps

from common.errors import ParserLimitExceeded
from parsers.errors import UnsupportedDocument
from parsers.limits import ParseLimits

_POINTS_PER_INCH = 72.0
_PAGE_WIDTH_INCHES = 8.27  # a picture without a resolution is taken to be an A4 page wide
_PAGE_MIN_PIXELS = 600  # a picture narrower than this is a logo or a photo, not a page
_PAGE_MAX_RATIO = 2.2
_PICTURE_FORMATS = ("PNG", "JPEG", "TIFF", "GIF", "BMP", "WEBP")


def looks_like_a_page(size: tuple[int, int]) -> bool:
    """Whether a picture is large enough and shaped like a page (not a logo or a banner)."""
    short, long = sorted(size)
    return short >= _PAGE_MIN_PIXELS and long <= _PAGE_MAX_RATIO * short


def render(pdf: bytes, pages: int, limits: ParseLimits) -> Iterator[tuple[Image.Image, float]]:
    """The first pages of a PDF as greyscale images, one at a time, with their resolution."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            width, height = page.get_size()
            scale = min(
                limits.ocr_dpi / _POINTS_PER_INCH,
                math.sqrt(limits.max_image_pixels / max(width * height, 1.0)),
            )
            image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            page.close()
            yield image, scale * _POINTS_PER_INCH
    finally:
        document.close()


def open_picture(data: bytes, limits: ParseLimits) -> Image.Image:
    """The picture, opened lazily (its header only) by one of the decoders for the formats
    ``sniff`` lets through: no other decoder (EPS, say, which runs Ghostscript) is tried."""
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        picture = Image.open(io.BytesIO(data), formats=_PICTURE_FORMATS)
    except Image.DecompressionBombError as error:
        raise ParserLimitExceeded(f"the picture is too large: {error}") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise UnsupportedDocument(f"the picture cannot be opened: {error}") from error
    width, height = picture.size
    if width * height > limits.max_image_pixels:
        raise ParserLimitExceeded(f"a picture of {width} x {height} pixels is too large")
    return picture


def frames(picture: Image.Image, limits: ParseLimits) -> Iterator[tuple[Image.Image, float]]:
    """The first frames (pages) of a picture as greyscale pages, one at a time."""
    for index in range(min(frame_count(picture), limits.ocr_max_pages)):
        picture.seek(index)
        yield page_from_picture(picture, limits)


def frame_count(picture: Image.Image) -> int:
    return int(getattr(picture, "n_frames", 1))


def page_from_picture(picture: Image.Image, limits: ParseLimits) -> tuple[Image.Image, float]:
    """The current frame as a greyscale page at about the OCR resolution, and that resolution."""
    frame = ImageOps.exif_transpose(picture) or picture
    if "A" in frame.getbands() or "transparency" in frame.info:
        page = Image.new("RGBA", frame.size, "white")
        page.alpha_composite(frame.convert("RGBA"))
        frame = page
    gray = frame.convert("L")
    dpi = _resolution(picture, gray.size)
    factor = min(
        limits.ocr_dpi / dpi, math.sqrt(limits.max_image_pixels / (gray.width * gray.height))
    )
    factor = min(max(factor, 0.25), 3.0)
    if abs(factor - 1) > 0.1:
        size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
        gray = gray.resize(size, Image.Resampling.BICUBIC)
        dpi *= factor
    return gray, dpi


def _resolution(picture: Image.Image, size: tuple[int, int]) -> float:
    """The picture's resolution when it states a plausible one, else that of an A4 page."""
    stated = picture.info.get("dpi")
    if isinstance(stated, tuple) and stated and isinstance(stated[0], int | float):
        dpi = float(stated[0])
        if 100 <= dpi <= 1200 and 4 <= min(size) / dpi <= 20:
            return dpi
    return min(size) / _PAGE_WIDTH_INCHES
