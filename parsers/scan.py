"""Scanned PDFs and pictures of pages -> Layout, through OCR.

Each page is turned level, read by Tesseract, and looked at for the ruled lines of its
tables and for checkboxes (``parsers.scan_page``). Words (with their confidences), boxes
and tables then go through the same page assembly as a text PDF, so the same label
extraction reads the form. Without Tesseract a scan is reported (CONVERSION_UNAVAILABLE)
for a person to read.
"""

from __future__ import annotations

from parsers import deadline, ocr
from parsers.layout import Block, Layout
from parsers.limits import ParseLimits
from parsers.model import ParseProblem
from parsers.pdf_assembly import assemble
from parsers.pdf_page import PageContent
from parsers.scan_page import read_page_image
from parsers.scan_pictures import frame_count, frames, looks_like_a_page, open_picture, render

_LOW_CONFIDENCE = 0.6  # the same default as the rules' minimum field confidence
_MIN_TEXT_CHARS = 20


def ocr_available(limits: ParseLimits) -> bool:
    return ocr.tesseract_path(limits) is not None


def read_scanned_pdf(
    data: bytes, page_count: int, limits: ParseLimits, blocks: tuple[Block, ...] = ()
) -> Layout:
    """The layout of a PDF without a text layer; ``blocks`` is the little text it has."""
    if not ocr_available(limits):
        return _unavailable("pdf-scan", "scanned PDF without a text layer", blocks)
    deadline.extend_to(limits.scan_timeout_seconds)
    pages = min(page_count, limits.ocr_max_pages)
    contents = [read_page_image(image, dpi, limits) for image, dpi in render(data, pages, limits)]
    return _layout(contents, "pdf-scan", _pages_left(page_count, pages))


def read_picture(data: bytes, limits: ParseLimits) -> Layout:
    """The layout of a picture (PNG, JPEG, TIFF...) of one or more pages; a picture that
    is not shaped like a page (a logo, a banner) is not read."""
    picture = open_picture(data, limits)
    if not looks_like_a_page(picture.size):
        return Layout((), "image")
    if not ocr_available(limits):
        return _unavailable("image", "a picture of a page")
    deadline.extend_to(limits.scan_timeout_seconds)
    contents = [read_page_image(page, dpi, limits) for page, dpi in frames(picture, limits)]
    return _layout(contents, "image", _pages_left(frame_count(picture), len(contents)))


def _layout(contents: list[PageContent], kind: str, problems: list[ParseProblem]) -> Layout:
    words = [w for page in contents for w in page.words if w.text]
    letters = sum(len(w.text) for w in words)
    if letters < _MIN_TEXT_CHARS:
        problems.append(ParseProblem("LOW_CONFIDENCE", "no text could be recognised on the scan"))
    else:
        mean = sum(w.confidence * len(w.text) for w in words) / letters
        if mean < _LOW_CONFIDENCE:
            message = f"the scan's text was recognised with low confidence ({mean:.0%})"
            problems.append(ParseProblem("LOW_CONFIDENCE", message))
    return Layout(tuple(assemble(contents)), kind, False, tuple(problems), recognised=True)


def _pages_left(total: int, read: int) -> list[ParseProblem]:
    if total <= read:
        return []
    message = f"only the first {read} of {total} pages were recognised"
    return [ParseProblem("PARSE_LIMIT", message)]


def _unavailable(kind: str, what: str, blocks: tuple[Block, ...] = ()) -> Layout:
    message = f"{what}: OCR (Tesseract) is not installed, so a person must read it"
    return Layout(blocks, kind, problems=(ParseProblem("CONVERSION_UNAVAILABLE", message),))
