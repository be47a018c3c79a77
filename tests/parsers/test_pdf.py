"""PDF: the official form filled as text, as a fillable form, and scanned."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject

from parsers.pdf_forms import checkbox_state
from tests.parsers import pdf_builders as pdf
from tests.parsers.builders import FORMS
from tests.parsers.conftest import value

JUSTIFICATION = "Our National Authority was designated in 2001 and needs support with legislation."


def _below(text: str, x: float, answer: str, gap: float = 4) -> tuple[int, float, float, str]:
    page, _, _, _, bottom = pdf.find(text)
    return page, x, bottom + gap, answer


def _beside(text: str, x: float, answer: str) -> tuple[int, float, float, str]:
    page, _, top, _, _ = pdf.find(text)
    return page, x, top, answer


def _typed_form() -> bytes:
    page, _, top, x1, _ = pdf.find("Date:")
    return pdf.overlay(
        [
            _beside("National Authority", 226, "National Authority of Ghana"),
            _beside("(a) State Party", 226, "Ghana"),
            _beside("(b) Contact person", 226, "Mr Kofi Mensah"),
            _below("(c) Contact information", 226, "+233 30 266 4567", 2),
            _below("(c) Contact information", 385, "k.mensah@na.gov.gh", 2),
            _beside("Partnership mode", 515, "X"),
            _beside("Sponsorship required", 515, "X"),
            _below("achievements in those areas.", 62, JUSTIFICATION, 6),
            _below("whether the initial agreement", 84, "The National Authority of Kenya.", 6),
            _below("2. Please indicate suggested", 84, "October 2025", 6),
            _below("results framework document.", 84, "Draft law finalised.", 6),
            (page, x1 + 4, top, "12/03/2025"),
            _beside("__________________________________", 62, "/s/ Kofi Mensah"),
        ]
    )


def test_typed_text_pdf(parse):
    doc = parse("form.pdf", _typed_form())
    assert doc.format == "pdf-text" and doc.role == "application_form"
    assert value(doc, "state_party") == "Ghana" and value(doc, "region") == "Africa"
    assert value(doc, "national_authority") == "National Authority of Ghana"
    assert value(doc, "contact_person") == "Mr Kofi Mensah"
    assert value(doc, "phone") == "+233 30 266 4567"
    assert value(doc, "emails") == ["k.mensah@na.gov.gh"]
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is False
    assert value(doc, "justification") == JUSTIFICATION
    assert value(doc, "preferred_partner") == "The National Authority of Kenya."
    assert value(doc, "first_visit_timeline") == "October 2025"
    assert value(doc, "expected_results") == "Draft law finalised."
    assert value(doc, "signature_date") == "2025-03-12"
    assert value(doc, "signed") is True


def test_blank_pdf_form_is_an_application_form_without_answers(parse):
    doc = parse("blank.pdf", pdf.BLANK)
    assert doc.role == "application_form"
    assert value(doc, "state_party") is None
    assert value(doc, "mode") is None
    assert value(doc, "signed") is False


def _field(name, anchor, x0, x1, value, dy=0.0):
    page, _, top, _, bottom = pdf.find(anchor)
    rect = pdf.rect_at(page, x0, top + dy, x1, bottom + dy)
    return {"page": page, "rect": rect, "name": name, "kind": "/Tx", "value": value}


def _box(name, anchor, x0, on, shown, value):
    page, _, top, _, bottom = pdf.find(anchor)
    rect = pdf.rect_at(page, x0, top, x0 + 10, bottom)
    return {
        "page": page,
        "rect": rect,
        "name": name,
        "kind": "/Btn",
        "on": on,
        "shown": shown,
        "value": value,
    }


def test_fillable_pdf_form_values(parse):
    data = pdf.with_fields(
        [
            _field("state", "(a) State Party", 226, 530, "Jamaica"),
            _field("contact", "(b) Contact person", 226, 530, "Ms Ann Brown"),
            _field("email", "(c) Contact information", 385, 535, "ann.brown@na.gov.jm", dy=12),
            _box("seeking", "Partnership mode", 500, "/Choice2", "/Choice2", "/Choice2"),
            _box("offering", "Partnership mode", 350, "/Choice1", "/Off", "/Off"),
            _box("yes", "Sponsorship required", 350, "/Oui", "/Oui", "/Oui"),
        ]
    )
    doc = parse("fillable.pdf", data)
    assert doc.format == "pdf-form"
    assert value(doc, "state_party") == "Jamaica"
    assert value(doc, "contact_person") == "Ms Ann Brown"
    assert value(doc, "emails") == ["ann.brown@na.gov.jm"]
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is True


def test_digital_signature_field_counts_as_signed(parse):
    page, x0, top, x1, bottom = pdf.find("__________________________________")
    signature = {
        "page": page,
        "rect": pdf.rect_at(page, x0, top - 30, x1, bottom),
        "name": "sig",
        "kind": "/Sig",
        "value": "signed-data",
    }
    doc = parse("signed.pdf", pdf.with_fields([signature]))
    assert value(doc, "signed") is True
    assert doc.fields["signed"].note == "digital signature"


def _widget(on: str, shown: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/AP"): DictionaryObject(
                {
                    NameObject("/N"): DictionaryObject(
                        {NameObject(on): NameObject("/x"), NameObject("/Off"): NameObject("/x")}
                    )
                }
            ),
            NameObject("/AS"): NameObject(shown),
        }
    )


@pytest.mark.parametrize(
    ("on", "shown", "field_value", "expected"),
    [
        ("/Yes", "/Yes", "/Yes", True),
        ("/Oui", "/Oui", "/Oui", True),
        ("/Oui", "/Off", "/Off", False),
        ("/Choice2", "/Off", "/Choice1", False),
        ("/Oui", "/Off", "/Oui", None),
        ("/Oui", "/Oui", None, None),
        ("/Oui", "/Off", None, False),
    ],
)
def test_checkbox_value_compared_with_its_appearance(on, shown, field_value, expected):
    value_object = NameObject(field_value) if field_value else None
    assert checkbox_state(_widget(on, shown), value_object) is expected


def test_scanned_pdf_is_flagged_not_guessed(parse):
    image = Image.new("RGB", (850, 1100), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    doc = parse("scan.pdf", buffer.getvalue())
    assert doc.format == "pdf-scan" and doc.role == "other"
    assert doc.fields == {}
    assert [p.code for p in doc.problems] == ["LOW_CONFIDENCE"]


def test_results_framework_pdf(parse):
    blank = (FORMS / "annex2-results-framework.pdf").read_bytes()
    first = pdf.find("1. National Authority", blank)
    eighth = pdf.find("8. Education and outreach", blank)
    data = pdf.overlay(
        [
            (first[0], 222, first[2], "Study visit"),
            (first[0], 505, first[2], "Unit created"),
            (eighth[0], 222, eighth[2], "Seminar"),
        ],
        blank,
    )
    doc = parse("annex2.pdf", data)
    assert doc.role == "results_framework"
    assert [(a.number, a.outputs, a.outcomes) for a in doc.thematic_areas] == [
        (1, "Study visit", "Unit created"),
        (8, "Seminar", None),
    ]


def _strike_and_highlight(struck: str, marked: str) -> bytes:
    """Offering struck through and Yes highlighted, both drawn as a renderer would."""
    page, x0, top, _, bottom = pdf.word_box(struck, "Partnership mode")
    _, _, _, x1, _ = pdf.word_box("mentorship1", "Partnership mode")
    height = pdf.page_height(page)
    middle = height - (top + bottom) / 2
    line = f"0 0 0 RG 0.8 w {x0:.1f} {middle:.1f} m {x1:.1f} {middle:.1f} l S"
    _, hx0, htop, hx1, hbottom = pdf.word_box(marked, "Sponsorship required")
    fill = f"1 1 0 rg {hx0:.1f} {height - hbottom:.1f} {hx1 - hx0:.1f} {hbottom - htop:.1f} re f"
    return pdf.overlay([], drawings=[(page, line), (page, fill)])


def test_pdf_strike_through_and_highlight(parse):
    doc = parse("form.pdf", _strike_and_highlight("Offering", "Yes"))
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is True
