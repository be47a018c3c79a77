"""PDF -> Layout: the text layer through pdfplumber (words, lines, ruled tables), the values of
a fillable form through pypdf, text typed as annotations, and pictures, ink and stamps as
marks (a signature). A PDF without a text layer is a scan, read by OCR in ``parsers.scan``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field, replace

import pdfplumber
from pypdf import PdfReader

from common.errors import ParserError
from parsers.errors import DocumentEncrypted
from parsers.layout import Layout
from parsers.limits import ParseLimits
from parsers.model import ParseProblem
from parsers.pdf_assembly import assemble
from parsers.pdf_forms import FormValues, read_form_values
from parsers.pdf_page import PageContent, read_page
from parsers.pdf_text import TextLine, paragraphs
from parsers.scan import read_scanned_pdf

for _name in ("pdfminer", "pypdf"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_MIN_TEXT_CHARS = 20


@dataclass
class _Document:
    pages: list[PageContent] = field(default_factory=list)
    page_count: int = 0


def read_pdf(data: bytes, limits: ParseLimits) -> Layout:
    """The layout of a PDF (text layer, form values, marks)."""
    reader, password = _open(data)
    forms = _form_values(reader, limits)
    document = _read_pages(data, password, forms, limits)
    problems: list[ParseProblem] = []
    if document.page_count > limits.max_pages:
        problems.append(
            ParseProblem(
                "PARSE_LIMIT",
                f"only the first {limits.max_pages} of {document.page_count} pages were read",
            )
        )
    text_chars = sum(len(w.text) for page in document.pages for w in page.words)
    if text_chars < _MIN_TEXT_CHARS and not forms.words:
        return _scanned(data, document, problems, forms, limits)
    blocks = assemble(document.pages)
    kind = "pdf-form" if forms.words else "pdf-text"
    return Layout(tuple(blocks), kind, forms.digitally_signed, tuple(problems))


def _open(data: bytes) -> tuple[PdfReader | None, str | None]:
    """pypdf's reader (for forms and encryption), and the password that opened it."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return reader, None
    except Exception:  # pypdf cannot read it; pdfplumber gets its own chance
        return None, None
    try:
        opened = reader.decrypt("")
    except Exception as error:  # unsupported encryption
        raise DocumentEncrypted(f"the PDF is encrypted: {error}") from error
    if not opened:
        raise DocumentEncrypted("the PDF is protected by a password")
    return reader, ""


def _form_values(reader: PdfReader | None, limits: ParseLimits) -> FormValues:
    if reader is None:
        return FormValues((), False)
    try:
        return read_form_values(reader, limits.max_pages)
    except Exception:  # a broken form dictionary: read the page text without it
        return FormValues((), False)


def _read_pages(
    data: bytes, password: str | None, forms: FormValues, limits: ParseLimits
) -> _Document:
    document = _Document()
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            document.page_count = len(pdf.pages)
            for number, page in enumerate(pdf.pages[: limits.max_pages]):
                placed = [w for w in forms.words if w.page == number]
                document.pages.append(read_page(page, placed))
                page.close()
    except ParserError:
        raise
    except Exception as error:  # pdfminer raises many kinds on broken files
        if "password" in str(error).lower() or type(error).__name__ == "PDFPasswordIncorrect":
            raise DocumentEncrypted("the PDF is protected by a password") from error
        raise ParserError(f"the PDF cannot be read: {type(error).__name__}: {error}") from error
    return document


def _scanned(
    data: bytes,
    document: _Document,
    problems: list[ParseProblem],
    forms: FormValues,
    limits: ParseLimits,
) -> Layout:
    """A PDF without a text layer: read by OCR (its little text, if any, is set aside)."""
    text_lines = [TextLine((w,)) for page in document.pages for w in page.words]
    blocks = tuple(p for _, p in paragraphs(text_lines)) if text_lines else ()
    layout = read_scanned_pdf(data, document.page_count, limits, blocks)
    return replace(
        layout, digitally_signed=forms.digitally_signed, problems=(*problems, *layout.problems)
    )
