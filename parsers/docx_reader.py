""".docx -> Layout, from the main document XML.

Reads the body only (headers, footers, footnotes and comments are not the form). Content
controls wrapping paragraphs, rows, cells or tables are unwrapped; a control still showing its
placeholder counts as empty. Tracked insertions are read, deletions are not.
"""

from __future__ import annotations

from lxml import etree

from parsers.docx_inline import MC, ParagraphBuilder, w
from parsers.docx_package import open_package
from parsers.layout import Block, Cell, Layout, Row, Table
from parsers.limits import ParseLimits

_MAX_DEPTH = 40
_WRAPPERS = {w("customXml"), w("ins"), w("moveTo"), f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice"}


def read_docx(data: bytes, limits: ParseLimits) -> Layout:
    """The layout of a Word document's body."""
    package = open_package(data, limits)
    body = package.document.find(w("body"))
    blocks = read_blocks(body, 0) if body is not None else []
    return Layout(tuple(blocks), "docx", package.digitally_signed)


def read_blocks(container: etree._Element, depth: int = 0) -> list[Block]:
    """Paragraphs and tables of a body, cell, text box or block-level content control."""
    if depth > _MAX_DEPTH:
        return []
    blocks: list[Block] = []
    for child in container:
        tag = child.tag
        if tag == w("p"):
            builder = ParagraphBuilder(lambda box: read_blocks(box, depth + 1))
            blocks.extend(builder.build(child))
        elif tag == w("tbl"):
            blocks.append(_table(child, depth + 1))
        elif tag == w("sdt"):
            blocks.extend(read_blocks(_control_content(child), depth + 1))
        elif tag in _WRAPPERS:
            blocks.extend(read_blocks(child, depth + 1))
    return blocks


def _control_content(sdt: etree._Element) -> etree._Element:
    """The content of a content control; an empty element when it shows its placeholder."""
    properties = sdt.find(w("sdtPr"))
    content = sdt.find(w("sdtContent"))
    if content is None or (
        properties is not None and properties.find(w("showingPlcHdr")) is not None
    ):
        return etree.Element(w("sdtContent"))
    return content


def _table(table: etree._Element, depth: int) -> Table:
    rows = [_row(tr, depth) for tr in _unwrapped(table, w("tr"), depth)]
    return Table(tuple(row for row in rows if row is not None))


def _row(tr: etree._Element, depth: int) -> Row | None:
    properties = tr.find(w("trPr"))
    if properties is not None and properties.find(w("del")) is not None:
        return None  # a row deleted with tracked changes
    return Row(tuple(_cell(tc, depth) for tc in _unwrapped(tr, w("tc"), depth)))


def _cell(tc: etree._Element, depth: int) -> Cell:
    properties = tc.find(w("tcPr"))
    span, merged_above = 1, False
    if properties is not None:
        grid_span = properties.find(w("gridSpan"))
        if grid_span is not None:
            span = _positive_int(grid_span.get(w("val")))
        v_merge = properties.find(w("vMerge"))
        if v_merge is not None:
            merged_above = v_merge.get(w("val"), "continue") != "restart"
    return Cell(tuple(read_blocks(tc, depth + 1)), span, merged_above)


def _unwrapped(parent: etree._Element, tag: str, depth: int) -> list[etree._Element]:
    """Children with this tag, also those wrapped in content controls or custom XML."""
    if depth > _MAX_DEPTH:
        return []
    found: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            found.append(child)
        elif child.tag == w("sdt"):
            found.extend(_unwrapped(_control_content(child), tag, depth + 1))
        elif child.tag in _WRAPPERS:
            found.extend(_unwrapped(child, tag, depth + 1))
    return found


def _positive_int(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 64))
    except ValueError:
        return 1
