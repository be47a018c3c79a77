"""PDF -> Layout: the text layer through pdfplumber (words, lines, ruled tables), the values of
a fillable form through pypdf, text typed as annotations, and pictures, ink and stamps as
marks (a signature). A PDF without a text layer is a scan: role "other" unless its little
text says otherwise, and a LOW_CONFIDENCE problem; OCR plugs in at ``parsers.scan``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import pdfplumber
from pypdf import PdfReader

from common.errors import ParserError
from parsers.errors import DocumentEncrypted
from parsers.layout import Block, Cell, Layout, Paragraph, Row, Table
from parsers.limits import ParseLimits
from parsers.model import ParseProblem
from parsers.pdf_forms import FormValues, read_form_values
from parsers.pdf_page import PageContent, read_page
from parsers.pdf_text import TextLine, paragraphs, split_wide_gaps
from parsers.scan import layout_from_page_images, ocr_available, render_pages

for _name in ("pdfminer", "pypdf"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_MARGIN = 0.08  # top and bottom share of a page where running headers and footers sit
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
        return _scanned(data, document, problems, forms)
    blocks = _assemble(document.pages)
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
    data: bytes, document: _Document, problems: list[ParseProblem], forms: FormValues
) -> Layout:
    text_lines = [TextLine((w,)) for page in document.pages for w in page.words]
    blocks: list[Block] = [p for _, p in paragraphs(text_lines)] if text_lines else []
    if ocr_available():
        recognised = layout_from_page_images(render_pages(data, len(document.pages)))
        if recognised is not None:
            return recognised
    problems.append(
        ParseProblem(
            "LOW_CONFIDENCE", "scanned PDF without a text layer: the form could not be read"
        )
    )
    return Layout(tuple(blocks), "pdf-scan", forms.digitally_signed, tuple(problems))


def _assemble(pages: list[PageContent]) -> list[Block]:
    """Blocks of all pages in reading order; running headers and footers dropped; a table
    that runs on over a page break joined with its continuation."""
    repeated = _running_lines(pages)
    blocks: list[Block] = []
    for page in pages:
        placed = list(page.tables)
        free = [line for line in page.free_lines if _running_key(line, page) not in repeated]
        placed.extend(_free_blocks(free, page))
        placed.extend((top, Paragraph((), True)) for top in page.free_marks)
        placed.sort(key=lambda item: item[0])
        page_blocks = [block for _, block in placed]
        if blocks and page_blocks and _continues_table(blocks[-1], page_blocks[0]):
            last, first = blocks.pop(), page_blocks.pop(0)
            assert isinstance(last, Table) and isinstance(first, Table)
            blocks.append(Table(last.rows + first.rows))
        blocks.extend(page_blocks)
    return blocks


def _free_blocks(lines: list[TextLine], page: PageContent) -> list[tuple[float, Block]]:
    """Text outside ruled tables: paragraphs, and rows of a table without rules."""
    result: list[tuple[float, Block]] = []
    run: list[TextLine] = []
    edge = max((line.x1 for line in lines), default=None)

    def flush() -> None:
        result.extend(paragraphs(run, edge))
        run.clear()

    for line in lines:
        pieces = split_wide_gaps(line, page.column_gap)
        if len(pieces) == 1:
            run.append(line)
            continue
        flush()
        cells = tuple(Cell(tuple(p for _, p in paragraphs([piece]))) for piece in pieces)
        result.append((line.top, Table((Row(cells),))))
    flush()
    return result


def _running_key(line: TextLine, page: PageContent) -> str | None:
    if page.height and _MARGIN * page.height < line.top < (1 - _MARGIN) * page.height:
        return None
    return "".join(c for c in line.text.lower() if not c.isdigit()).strip()


def _running_lines(pages: list[PageContent]) -> set[str]:
    if len(pages) < 2:
        return set()
    seen: dict[str, int] = {}
    for page in pages:
        keys = {_running_key(line, page) for line in page.free_lines}
        for key in keys - {None}:
            assert key is not None
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count >= 2}


def _continues_table(previous: Block, first: Block) -> bool:
    if not isinstance(previous, Table) or not isinstance(first, Table):
        return False
    width = max((sum(c.span for c in r.cells) for r in previous.rows), default=0)
    return bool(first.rows) and width == max(sum(c.span for c in r.cells) for r in first.rows)
