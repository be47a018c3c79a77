"""Build filled application forms for the tests from the official blank forms.

Every function works on a python-docx Document opened from ``parsers/forms``; ticks and
answers are written the many ways applicants write them (content controls, legacy form
fields, glyphs, symbols, typed x, strike-through, deletion, tracked changes, text boxes).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import _Cell
from lxml import etree
from PIL import Image

FORMS = Path(__file__).resolve().parents[2] / "parsers" / "forms"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"

ANSWERS = {
    "National Authority": "National Authority for the Chemical Weapons Convention of Kenya",
    "(a) State Party": "Republic of Kenya",
    "(b) Contact person": "Ms Wanjiru Otieno",
}
PHONE = "+254 20 712 3456"
EMAILS = "w.otieno@nacwc.go.ke; info@nacwc.go.ke"
JUSTIFICATION = (
    "Kenya became a State Party in 1997. Our National Authority coordinates nine ministries "
    "but has only three officers. A needs assessment in 2024 found gaps in legislation, "
    "declarations and customs training, and our national action plan is still a draft."
)
PARTNER = "The National Authority of Ghana; its initial agreement has been sought."
TIMELINE = "We suggest March 2026 for the first visit."
RESULTS = "1. Implementing legislation drafted. Means of verification: the draft bill."
SIGN_DATE = "12 March 2025"


def blank(name: str = "annex1-application-form.docx") -> Document:
    return docx.Document(str(FORMS / name))


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def all_cells(document: Document) -> list[_Cell]:
    cells = []
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if not cells or cell._tc is not cells[-1]._tc:
                    cells.append(cell)
    return cells


def label_cell(document: Document, label: str) -> _Cell:
    for cell in all_cells(document):
        if cell.text.strip() == label or cell.text.strip().startswith(label):
            return cell
    raise KeyError(label)


def cell_right_of(document: Document, label: str) -> _Cell:
    cells = all_cells(document)
    index = next(n for n, c in enumerate(cells) if c.text.strip() == label)
    return cells[index + 1]


def cell_below(document: Document, text_start: str) -> _Cell:
    """The last cell of the row under the row holding the text (an answer row)."""
    for table in document.tables:
        for n, row in enumerate(table.rows):
            if any(c.text.strip().startswith(text_start) for c in row.cells):
                return table.rows[n + 1].cells[-1]
    raise KeyError(text_start)


def write(cell: _Cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def fill_text_answers(document: Document, placement: str = "cell") -> None:
    """Section 1 text answers, each in the neighbouring cell or "Label: answer"."""
    for label, answer in ANSWERS.items():
        if placement == "same":
            label_cell(document, label).paragraphs[0].add_run(f": {answer}")
        else:
            write(cell_right_of(document, label), answer)
    label_cell(document, "Phone number").add_paragraph(PHONE)
    label_cell(document, "Email(s)").add_paragraph(EMAILS)
    write(cell_below(document, "Please describe the motivation"), JUSTIFICATION)
    write(cell_below(document, "Please indicate which National Authority"), PARTNER)
    write(cell_below(document, "Please indicate suggested timelines"), TIMELINE)
    write(cell_below(document, "Please briefly describe each expected"), RESULTS)
    date_cell = label_cell(document, "Date:")
    date_cell.paragraphs[0].text = f"Date: {SIGN_DATE}"


def add_signature_picture(document: Document) -> None:
    cell = label_cell(document, "__________")
    picture = io.BytesIO()
    Image.new("RGB", (60, 20), "navy").save(picture, format="PNG")
    picture.seek(0)
    cell.paragraphs[0].add_run().add_picture(picture)


def filled(*, mode: str = "seeking", sponsorship: str = "Yes", style: str = "cc") -> Document:
    """A complete Annex 1 with the given choices ticked in the given style."""
    document = blank()
    fill_text_answers(document)
    tick(document, "Offering mentorship" if mode == "offering" else "Seeking mentorship", style)
    tick(document, sponsorship, style)
    add_signature_picture(document)
    return document


def option_paragraph(document: Document, option: str):
    for cell in all_cells(document):
        for paragraph in cell.paragraphs:
            if paragraph.text.strip().startswith(option):
                return paragraph
    raise KeyError(option)


def control_checkbox(paragraph) -> etree._Element:
    return paragraph._p.find(".//" + qn("w:sdt"))


def set_control(paragraph, checked: bool, glyph: str | None = None) -> None:
    sdt = control_checkbox(paragraph)
    sdt.find(f".//{{{W14_NS}}}checked").set(f"{{{W14_NS}}}val", "1" if checked else "0")
    sdt.find(".//" + qn("w:t")).text = glyph or ("☒" if checked else "☐")


def replace_control(paragraph, runs_xml: str) -> None:
    """Swap the option's content-control checkbox for other runs."""
    sdt = control_checkbox(paragraph)
    wrapper = etree.fromstring(f'<w:wrap xmlns:w="{W_NS}" xmlns:w14="{W14_NS}">{runs_xml}</w:wrap>')
    parent = sdt.getparent()
    index = parent.index(sdt)
    parent.remove(sdt)
    for n, run in enumerate(wrapper):
        parent.insert(index + n, run)


def legacy_checkbox_xml(checked: str | None, default: str | None = "0") -> str:
    checked_xml = (
        ""
        if checked is None
        else ("<w:checked/>" if checked == "" else f'<w:checked w:val="{checked}"/>')
    )
    default_xml = "" if default is None else f'<w:default w:val="{default}"/>'
    return (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
        f"<w:enabled/><w:checkBox><w:sizeAuto/>{default_xml}{checked_xml}</w:checkBox>"
        '</w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def tick(document: Document, option: str, style: str) -> None:
    """Mark one option as chosen in a given style (the form's boxes stay for the others)."""
    paragraph = option_paragraph(document, option)
    if style == "cc":
        set_control(paragraph, True)
    elif style == "legacy":
        replace_control(paragraph, legacy_checkbox_xml("1"))
    elif style.startswith("glyph:"):
        replace_control(paragraph, f"<w:r><w:t>{style[6:]}</w:t></w:r>")
    elif style == "wingdings":
        replace_control(paragraph, '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>')
    elif style == "x-instead":
        replace_control(paragraph, "<w:r><w:t>X</w:t></w:r>")
    elif style == "x-beside":
        paragraph.add_run(" x")
    elif style in ("highlight", "bold"):
        for run in paragraph.runs:
            if run.text.strip():
                if style == "bold":
                    run.bold = True
                else:
                    run._r.get_or_add_rPr().append(
                        etree.fromstring(f'<w:highlight xmlns:w="{W_NS}" w:val="yellow"/>')
                    )
    else:
        raise ValueError(style)


def other_option(option: str) -> str:
    return {
        "Offering mentorship": "Seeking mentorship",
        "Seeking mentorship": "Offering mentorship",
        "Yes": "No",
        "No": "Yes",
    }[option]


def strike(document: Document, option: str) -> None:
    for run in option_paragraph(document, option).runs:
        run.font.strike = True


def delete_option(document: Document, option: str, *, tracked: bool = False) -> None:
    paragraph = option_paragraph(document, option)
    if not tracked:
        for child in list(paragraph._p):
            if child.tag != qn("w:pPr"):
                paragraph._p.remove(child)
        return
    deletion = etree.SubElement(paragraph._p, qn("w:del"))
    deletion.set(qn("w:id"), "91")
    deletion.set(qn("w:author"), "Applicant")
    for child in list(paragraph._p):
        if child.tag in (qn("w:r"), qn("w:sdt")):
            for text in child.iter(qn("w:t")):
                text.tag = qn("w:delText")
            deletion.append(child)


def wrap_row_in_control(document: Document, label: str) -> None:
    """Put the row holding a label inside a content control (w:sdt around w:tr)."""
    tr = label_cell(document, label)._tc.getparent()
    sdt = etree.Element(qn("w:sdt"))
    etree.SubElement(sdt, qn("w:sdtPr"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    tr.addprevious(sdt)
    content.append(tr)


def placeholder_control_xml(text: str) -> str:
    return (
        f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr><w:showingPlcHdr/></w:sdtPr>'
        f"<w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>"
    )


def text_control_xml(text: str) -> str:
    return (
        f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr><w:alias w:val="answer"/></w:sdtPr>'
        f"<w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>"
    )


def text_box_xml(text: str) -> str:
    """A run holding a text box in both DrawingML (Choice) and VML (Fallback) forms."""
    body = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f'<w:r xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{body}</wps:txbx>'
        "</wps:wsp></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{body}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


def append_xml(paragraph, xml: str) -> None:
    """Append one or more elements (given as XML text) to a paragraph."""
    wrapper = etree.fromstring(f'<wrap xmlns:w="{W_NS}">{xml}</wrap>')
    for element in list(wrapper):
        paragraph._p.append(element)


def clone_row_after(document: Document, label: str) -> None:
    tr = label_cell(document, label)._tc.getparent()
    tr.addnext(copy.deepcopy(tr))


def fill_annex2(rows: dict[int, tuple[str, str, str, str]], added: dict[str, tuple] | None = None):
    """Annex 2 with content in the given template rows (1..8) and rows the applicant added."""
    document = blank("annex2-results-framework.docx")
    table = document.tables[0]
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            table.rows[number].cells[column].text = value
    for title, values in (added or {}).items():
        row = table.add_row()
        row.cells[0].text = title
        for column, value in enumerate(values, start=1):
            row.cells[column].text = value
    return document
