"""Pages -> blocks: the page contents of a document (text PDF or scan) in reading order, with
running headers and footers dropped and tables that run on over a page break joined."""

from __future__ import annotations

from parsers.layout import Block, Cell, Paragraph, Row, Table
from parsers.pdf_page import PageContent
from parsers.pdf_text import TextLine, paragraphs, split_wide_gaps

_MARGIN = 0.08  # top and bottom share of a page where running headers and footers sit


def assemble(pages: list[PageContent]) -> list[Block]:
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
