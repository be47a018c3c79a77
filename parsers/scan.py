"""The seam for scanned documents: page images in, layout out.

OCR is not wired yet: ``ocr_available`` says False and ``layout_from_page_images`` returns
None, so scans are reported with LOW_CONFIDENCE. An OCR engine plugs in here and returns the
same Layout the other readers give (paragraphs, tables, checkboxes from ink).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from parsers.layout import Layout


def ocr_available() -> bool:
    """Whether an OCR engine is configured (none yet)."""
    return False


def layout_from_page_images(images: Sequence[bytes]) -> Layout | None:
    """The layout read from page images (PNG bytes, one per page); None without OCR."""
    del images
    return None


def render_pages(pdf: bytes, pages: int, dpi: int = 200) -> list[bytes]:
    """The first pages of a PDF as PNG images, for OCR."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(min(pages, len(document))):
            bitmap = document[index].render(scale=dpi / 72)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG")
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()
