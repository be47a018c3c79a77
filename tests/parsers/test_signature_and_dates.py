"""Section 5: signed or not, and the date in any common format."""

from __future__ import annotations

import pytest

from parsers.dates import parse_date
from tests.parsers import builders as b
from tests.parsers.conftest import value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 March 2025", "2025-03-12"),
        ("12/03/2025", "2025-03-12"),
        ("2025-03-12", "2025-03-12"),
        ("12.03.2025", "2025-03-12"),
        ("12-03-2025", "2025-03-12"),
        ("12 mars 2025", "2025-03-12"),
        ("1er février 2026", "2026-02-01"),
        ("12 de marzo de 2025", "2025-03-12"),
        ("March 12, 2025", "2025-03-12"),
        ("12th Sept. 2025", "2025-09-12"),
        ("03/25/2025", "2025-03-25"),
        ("Date: ______", None),
        ("31/02/2025", None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_picture_in_the_signature_area_is_signed(parse):
    doc = parse("form.docx", b.to_bytes(b.filled()))
    assert value(doc, "signed") is True
    assert "picture" in doc.fields["signed"].note


def test_empty_signature_line_is_unsigned(parse):
    document = b.blank()
    b.fill_text_answers(document)
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "signed") is False
    assert value(doc, "signature_date") == "2025-03-12"


def test_typed_name_on_the_signature_line_is_signed(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.label_cell(document, "__________").add_paragraph(
        "Dr Amina Mwangi, Head of the National Authority"
    )
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "signed") is True


def test_caption_without_a_name_is_unsigned(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.label_cell(document, "__________").add_paragraph("Name: ____________  Title: __________")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "signed") is False


def test_form_saying_it_is_not_signed(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.label_cell(document, "__________").add_paragraph("Signature to follow")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "signed") is False


def test_empty_date_is_present_but_none(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.label_cell(document, "Date:").paragraphs[0].text = "Date: __________________"
    doc = parse("form.docx", b.to_bytes(document))
    assert "signature_date" in doc.fields
    assert value(doc, "signature_date") is None
