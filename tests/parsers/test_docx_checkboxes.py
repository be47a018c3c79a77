"""Ticks in every way people make them; unclear ticks give None and a problem, not a guess."""

from __future__ import annotations

import pytest

from tests.parsers import builders as b
from tests.parsers.conftest import value

STYLES = [
    "cc",
    "legacy",
    "glyph:☒",
    "glyph:☑",
    "glyph:✓",
    "glyph:✔",
    "glyph:■",
    "wingdings",
    "x-instead",
    "x-beside",
    "highlight",
    "bold",
]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("mode", "sponsorship"), [("seeking", "Yes"), ("offering", "No")])
def test_tick_styles(parse, style, mode, sponsorship):
    doc = parse("form.docx", b.to_bytes(b.filled(mode=mode, sponsorship=sponsorship, style=style)))
    assert value(doc, "mode") == mode
    assert value(doc, "sponsorship_required") is (sponsorship == "Yes")
    assert not [p for p in doc.problems if p.code == "CHECKBOX_UNCLEAR"]


@pytest.mark.parametrize(
    ("checked", "default", "expected"),
    [
        ("", "0", True),
        ("1", "0", True),
        ("true", "0", True),
        ("0", "1", False),
        ("false", "1", False),
        (None, "1", True),
        (None, "0", False),
        (None, "true", True),
    ],
)
def test_legacy_checkbox_values(parse, checked, default, expected):
    document = b.blank()
    b.fill_text_answers(document)
    b.replace_control(b.option_paragraph(document, "Yes"), b.legacy_checkbox_xml(checked, default))
    b.tick(document, "Seeking mentorship", "cc")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "sponsorship_required") is (True if expected else None)


@pytest.mark.parametrize("tracked", [False, True])
def test_unwanted_option_deleted(parse, tracked):
    document = b.blank()
    b.fill_text_answers(document)
    b.delete_option(document, "Seeking mentorship", tracked=tracked)
    b.delete_option(document, "No", tracked=tracked)
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") == "offering"
    assert value(doc, "sponsorship_required") is True
    assert "deleted" in doc.fields["mode"].note


def test_unwanted_option_struck_through(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.strike(document, "Offering mentorship")
    b.strike(document, "Yes")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is False


def test_both_ticked_is_ambiguous_not_a_choice(parse):
    document = b.filled(mode="seeking")
    b.tick(document, "Offering mentorship", "cc")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") is None
    assert value(doc, "mode_ticks") == ["offering", "seeking"]


def test_nothing_ticked_is_not_selected(parse):
    document = b.blank()
    b.fill_text_answers(document)
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") is None
    assert value(doc, "mode_ticks") == []
    assert value(doc, "sponsorship_required") is None
    assert not [p for p in doc.problems if p.code == "CHECKBOX_UNCLEAR"]


def test_box_state_contradicting_its_glyph_is_unclear(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.set_control(b.option_paragraph(document, "Seeking mentorship"), False, glyph="☒")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") is None
    unclear = [p for p in doc.problems if p.code == "CHECKBOX_UNCLEAR"]
    assert unclear and unclear[0].field == "mode"


def test_tick_on_a_struck_option_is_unclear(parse):
    document = b.filled(mode="seeking")
    b.strike(document, "Seeking mentorship")
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "mode") is None
    assert any(p.code == "CHECKBOX_UNCLEAR" for p in doc.problems)


def test_unreadable_legacy_value_is_unclear(parse):
    document = b.blank()
    b.fill_text_answers(document)
    b.replace_control(b.option_paragraph(document, "No"), b.legacy_checkbox_xml("maybe", "0"))
    doc = parse("form.docx", b.to_bytes(document))
    assert value(doc, "sponsorship_required") is None
    assert any(
        p.code == "CHECKBOX_UNCLEAR" and p.field == "sponsorship_required" for p in doc.problems
    )
