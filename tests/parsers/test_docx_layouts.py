"""Annex 1 in .docx: the answers are found by their labels whatever the layout."""

from __future__ import annotations

import docx
import pytest

from tests.parsers import builders as b
from tests.parsers.conftest import value


def _check_common(doc) -> None:
    assert doc.role == "application_form"
    assert doc.format == "docx"
    assert value(doc, "state_party") == "Republic of Kenya"
    assert value(doc, "state_party_code") == "KEN"
    assert value(doc, "region") == "Africa"
    assert value(doc, "national_authority") == b.ANSWERS["National Authority"]
    assert value(doc, "contact_person") == "Ms Wanjiru Otieno"
    assert value(doc, "phone") == b.PHONE
    assert value(doc, "emails") == ["w.otieno@nacwc.go.ke", "info@nacwc.go.ke"]
    assert value(doc, "justification") == b.JUSTIFICATION
    assert value(doc, "preferred_partner") == b.PARTNER
    assert value(doc, "first_visit_timeline") == b.TIMELINE
    assert value(doc, "expected_results") == b.RESULTS
    assert value(doc, "signature_date") == "2025-03-12"


def test_answers_in_the_neighbouring_cells(parse):
    doc = parse("form.docx", b.to_bytes(b.filled()))
    _check_common(doc)
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is True
    assert value(doc, "signed") is True
    assert doc.language == "en"
    assert doc.problems == ()


def test_label_colon_answer_on_one_line(parse):
    document = b.blank()
    b.fill_text_answers(document, placement="same")
    b.tick(document, "Seeking mentorship", "cc")
    b.tick(document, "No", "cc")
    doc = parse("form.docx", b.to_bytes(document))
    _check_common(doc)
    assert value(doc, "sponsorship_required") is False


def test_answers_typed_after_the_instruction_in_the_same_cell(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.write(b.cell_below(document, "Please describe the motivation"), "")
    instruction = b.label_cell(document, "Please describe the motivation")
    instruction.add_paragraph(b.JUSTIFICATION)
    question = b.label_cell(document, "Please indicate which National Authority")
    b.write(b.cell_below(document, "Please indicate which National Authority"), "")
    question.add_paragraph(b.PARTNER)
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "justification") == b.JUSTIFICATION
    assert value(doc, "preferred_partner") == b.PARTNER
    assert value(doc, "first_visit_timeline") == b.TIMELINE


def test_form_retyped_as_headings_with_answers_below(parse):
    document = docx.Document()
    lines = [
        "APPLICATION FORM",
        "SECTION 1. PERSONAL AND CONTACT DETAILS",
        "National Authority",
        b.ANSWERS["National Authority"],
        "(a) State Party",
        "Republic of Kenya",
        "(b) Contact person",
        "Ms Wanjiru Otieno",
        "(c) Contact information",
        "Phone number",
        b.PHONE,
        "Email(s)",
        b.EMAILS,
        "Partnership mode",
        "☐ Offering mentorship",
        "☒ Seeking mentorship",
        "Sponsorship required",
        "☒ Yes",
        "☐ No",
        "SECTION 2. JUSTIFICATION AND NEEDS ANALYSIS",
        b.JUSTIFICATION,
        "SECTION 3. PREFERENCES AND TIMELINES",
        "1. Please indicate which National Authority is preferred as a partner in the "
        "Programme and whether the initial agreement of this National Authority has been sought.",
        b.PARTNER,
        "2. Please indicate suggested timelines for the first visit envisaged under the Programme.",
        b.TIMELINE,
        "SECTION 4. EXPECTED RESULTS (For mentees only)",
        b.RESULTS,
        "SECTION 5. AUTHORISATION",
        "Signature: /s/ Wanjiru Otieno",
        f"Date: {b.SIGN_DATE}",
    ]
    for line in lines:
        document.add_paragraph(line)
    doc = parse("retyped.docx", b.to_bytes(document))
    _check_common(doc)
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is True
    assert value(doc, "signed") is True
    assert "typed" in doc.fields["signed"].note


def test_answers_in_the_cell_below_their_label(parse):
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    pairs = [
        ("(a) State Party", "(b) Contact person"),
        ("Republic of Kenya", "Ms Wanjiru Otieno"),
        ("Phone number", "Email(s)"),
        (b.PHONE, b.EMAILS),
        ("Partnership mode", "Sponsorship required"),
        ("Seeking mentorship ☒  Offering mentorship ☐", "Yes ☐  No ☒"),
        ("SECTION 5. AUTHORISATION", "Date"),
        ("", "2025-03-12"),
    ]
    for left, right in pairs:
        row = table.add_row()
        row.cells[0].text, row.cells[1].text = left, right
    doc = parse("grid.docx", b.to_bytes(document))
    assert value(doc, "state_party") == "Republic of Kenya"
    assert value(doc, "contact_person") == "Ms Wanjiru Otieno"
    assert value(doc, "phone") == b.PHONE
    assert len(value(doc, "emails")) == 2
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is False
    assert value(doc, "signature_date") == "2025-03-12"


def test_rows_reordered_removed_and_added(parse):
    document = b.filled()
    na_row = b.label_cell(document, "National Authority")._tc.getparent()
    state_row = b.label_cell(document, "(a) State Party")._tc.getparent()
    contact_row = b.label_cell(document, "(b) Contact person")._tc.getparent()
    contact_row.addnext(state_row)  # state party now after contact person
    na_row.getparent().remove(na_row)  # national authority row removed
    b.clone_row_after(document, "(b) Contact person")  # a duplicate row added
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "state_party") == "Republic of Kenya"
    assert value(doc, "contact_person") == "Ms Wanjiru Otieno"
    assert "national_authority" not in doc.fields
    assert value(doc, "mode") == "seeking"


def test_nested_table_in_the_answer_cell(parse):
    document = b.filled()
    cell = b.cell_right_of(document, "(a) State Party")
    b.write(cell, "")
    inner = cell.add_table(rows=1, cols=1)
    inner.rows[0].cells[0].text = "Kenya"
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "state_party") == "Kenya"
    assert value(doc, "state_party_code") == "KEN"


def test_text_box_answer_read_once(parse):
    document = b.filled()
    cell = b.cell_right_of(document, "(b) Contact person")
    b.write(cell, "")
    b.append_xml(cell.paragraphs[0], b.text_box_xml("Mr Peter Kamau"))
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "contact_person") == "Mr Peter Kamau"


def test_content_controls_around_rows_answers_and_placeholders(parse):
    document = b.filled()
    b.wrap_row_in_control(document, "(a) State Party")
    contact = b.cell_right_of(document, "(b) Contact person")
    b.write(contact, "")
    b.append_xml(contact.paragraphs[0], b.text_control_xml("Mr Peter Kamau"))
    partner = b.cell_below(document, "Please indicate which National Authority")
    b.write(partner, "")
    b.append_xml(
        partner.paragraphs[0], b.placeholder_control_xml("Click or tap here to enter text.")
    )
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "state_party") == "Republic of Kenya"
    assert value(doc, "contact_person") == "Mr Peter Kamau"
    assert value(doc, "preferred_partner") is None


def test_tracked_changes_insertions_in_deletions_out(parse):
    document = b.filled()
    cell = b.cell_right_of(document, "(b) Contact person")
    b.write(cell, "")
    b.append_xml(
        cell.paragraphs[0],
        (
            '<w:del w:id="1" w:author="x"><w:r><w:delText>Mr Old Name</w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="x"><w:r><w:t>Ms New Name</w:t></w:r></w:ins>'
        ),
    )
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "contact_person") == "Ms New Name"


def test_combined_annex1_and_annex2_in_one_document(parse):
    document = b.filled()
    annex2 = b.fill_annex2({1: ("Study visit", "2 staff", "Unit created", "Decree")})
    body = document.element.body
    for element in list(annex2.element.body):
        if not element.tag.endswith("sectPr"):
            body.append(element)
    doc = parse("combined.docx", b.to_bytes(document))
    assert doc.role == "application_form"
    assert [a.number for a in doc.thematic_areas] == [1]
    assert value(doc, "signed") is True
    assert value(doc, "signature_date") == "2025-03-12"


@pytest.mark.parametrize("style", ["cc", "legacy", "glyph:☒", "wingdings"])
def test_headers_and_footers_are_not_read(parse, style):
    document = b.filled(style=style)
    document.sections[0].header.paragraphs[0].text = "State Party: Narnia"
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "state_party") == "Republic of Kenya"


def test_instruction_worded_differently_is_not_taken_as_the_answer(parse):
    document = b.filled()
    instruction = b.label_cell(document, "Please describe the motivation")
    instruction.paragraphs[
        0
    ].text = (
        "Veuillez décrire ce qui motive votre participation au Programme et indiquer vos besoins."
    )
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "justification") == b.JUSTIFICATION


def test_plain_text_attachment_is_read_like_a_form(parse):
    text = (
        "APPLICATION FORM\nNational Authority: National Authority of Kenya\n"
        "(a) State Party: Kenya\n(b) Contact person: Ms Wanjiru Otieno\n"
        "Phone number: +254 20 712 3456   Email(s): w.otieno@nacwc.go.ke\n"
        "Partnership mode: [x] Seeking mentorship  [ ] Offering mentorship\n"
        "Sponsorship required: Yes [ ]  No [x]\n"
    )
    doc = parse("form.txt", text.encode())
    assert doc.format == "text" and doc.role == "application_form"
    assert value(doc, "state_party_code") == "KEN"
    assert value(doc, "phone") == "+254 20 712 3456"
    assert value(doc, "emails") == ["w.otieno@nacwc.go.ke"]
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is False
