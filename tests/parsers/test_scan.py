"""Scanned PDFs and pictures of pages, read by OCR into the same fields as any form."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image

from parsers import ParseLimits, ocr, parse_attachment
from parsers.model import ExtractedDocument
from tests.fixtures.ci import require
from tests.parsers import scan_builders as scans
from tests.parsers.conftest import value

ANSWERS = scans.ANSWERS
NO_OCR = ParseLimits(tesseract_command="no-such-tesseract")


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    """The typed official form as page pictures (a clean scan)."""
    return scans.page_images(scans.official_form_pdf())


@pytest.fixture(scope="module")
def official_scan(pages) -> bytes:
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    return scans.image_pdf(pages)


@pytest.fixture(scope="module")
def official(official_scan) -> ExtractedDocument:
    return parse_attachment("scan.pdf", official_scan)


def test_scanned_official_form_is_read_by_ocr(official):
    assert official.format == "pdf-scan" and official.role == "application_form"
    assert official.language == "en"
    assert value(official, "state_party") == ANSWERS["state_party"]
    assert value(official, "state_party_code") == "GHA"
    assert value(official, "national_authority") == ANSWERS["national_authority"]
    assert value(official, "contact_person") == ANSWERS["contact_person"]
    assert value(official, "phone") == ANSWERS["phone"]
    assert value(official, "emails") == [ANSWERS["email"]]
    assert value(official, "preferred_partner") == ANSWERS["partner"]
    assert value(official, "first_visit_timeline") == ANSWERS["timeline"]
    assert value(official, "expected_results") == ANSWERS["results"]
    assert value(official, "signature_date") == "2025-03-12"
    assert value(official, "justification").startswith("Our National Authority was designated")


def test_ticks_drawn_in_the_boxes_of_a_scan(official):
    assert value(official, "mode") == "seeking"
    assert value(official, "mode_ticks") == ["seeking"]
    assert value(official, "sponsorship_required") is False
    assert official.fields["mode"].note.startswith("ticked")
    assert not [p for p in official.problems if p.code == "CHECKBOX_UNCLEAR"]


def test_each_field_of_a_clean_scan_carries_a_high_ocr_confidence(official):
    for name in ("state_party", "national_authority", "phone", "mode", "signature_date"):
        field = official.fields[name]
        assert 0.8 <= field.confidence < 1.0, (name, field)
        assert "OCR" in (field.note or "")


def test_a_scan_never_says_it_is_signed(official):
    assert value(official, "signed") is None
    assert "scan" in official.fields["signed"].note


def test_a_poor_scan_gives_low_confidence_not_wrong_answers(pages):
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    poor = [scans.degrade(p.copy(), blur=1.8, speckles=0.003) for p in pages]
    doc = parse_attachment("scan.pdf", scans.image_pdf(poor))
    low = {name for name, field in doc.fields.items() if field.confidence < 0.6}
    assert low, doc.fields
    for name in ("mode", "sponsorship_required"):
        field = doc.fields.get(name)
        assert field is None or field.value in (
            None,
            {"mode": "seeking", "sponsorship_required": False}[name],
        )


def test_a_tilted_scan_is_turned_level_before_reading(pages):
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    doc = parse_attachment("scan.pdf", scans.image_pdf([scans.degrade(pages[0], angle=2.0)]))
    assert doc.role == "application_form"
    assert value(doc, "state_party") == ANSWERS["state_party"]
    assert value(doc, "mode") == "seeking"


def test_a_photographed_form_in_another_layout():
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    page = scans.drawn_form({"mode": "Offering mentorship", "sponsorship": "Yes"})
    doc = parse_attachment("IMG_0412.jpg", scans.picture(page.convert("RGB"), "JPEG", quality=85))
    assert doc.format == "image" and doc.role == "application_form"
    assert value(doc, "contact_person") == ANSWERS["contact_person"]
    assert value(doc, "phone") == ANSWERS["phone"]
    assert value(doc, "emails") == [ANSWERS["email"]]
    assert value(doc, "mode") == "offering"
    assert value(doc, "sponsorship_required") is True
    assert doc.fields["justification"].confidence == 0.0  # the label is not on the page


def test_a_french_form_is_read_again_in_french():
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    installed = ocr.installed_languages(shutil.which("tesseract"))
    require({"fra", "eng"} <= installed, "Tesseract French data (tesseract-ocr-fra)")
    page = scans.drawn_page(
        [
            "# FORMULAIRE DE CANDIDATURE",
            "Autorité nationale: Autorité nationale pour l'interdiction des armes chimiques",
            "État partie: Côte d'Ivoire",
            "Personne à contacter: Mme Adjoua Kouassi-Brédé",
            "Courriel: a.kouassi@anipac.gouv.ci",
            scans.choice_line(
                "Mode de partenariat",
                ("Offrir un mentorat", "Recevoir un mentorat"),
                "Recevoir un mentorat",
            ),
            scans.choice_line("Parrainage requis", ("Oui", "Non"), "Oui"),
            "Date: 12 mars 2025",
        ]
    )
    doc = parse_attachment("formulaire.png", scans.picture(page))
    assert doc.language == "fr" and doc.role == "application_form"
    assert value(doc, "state_party") == "Côte d'Ivoire" and value(doc, "state_party_code") == "CIV"
    assert value(doc, "national_authority").endswith("pour l'interdiction des armes chimiques")
    assert value(doc, "contact_person") == "Mme Adjoua Kouassi-Brédé"
    assert value(doc, "mode") == "seeking" and value(doc, "sponsorship_required") is True
    assert value(doc, "signature_date") == "2025-03-12"


def test_pages_past_the_limit_are_reported():
    """A fax-like scan: a black-and-white TIFF of three pages."""
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    page = scans.drawn_form({"mode": "Seeking mentorship", "sponsorship": "No"}).convert("1")
    blank = Image.new("1", page.size, 1)
    tiff = scans.picture(
        page,
        "TIFF",
        save_all=True,
        append_images=[blank, blank],
        compression="group4",
        dpi=(200, 200),
    )
    doc = parse_attachment("scan.tif", tiff, limits=ParseLimits(ocr_max_pages=2))
    assert doc.role == "application_form"
    assert value(doc, "mode") == "seeking"
    (limit,) = [p for p in doc.problems if p.code == "PARSE_LIMIT"]
    assert "2 of 3 pages" in limit.message


def test_scan_time_limit_stops_ocr_and_the_sandbox_goes_on(official_scan):
    limits = ParseLimits(scan_timeout_seconds=0.3)
    doc = parse_attachment("scan.pdf", official_scan, limits=limits)
    assert [p.code for p in doc.problems] == ["PARSE_LIMIT"] and doc.role == "other"
    assert parse_attachment("scan.pdf", scans.official_form_pdf()).role == "application_form"


def test_without_tesseract_a_scan_is_left_to_a_person(pages):
    page = pages[0]
    doc = parse_attachment("scan.pdf", scans.image_pdf([page]), limits=NO_OCR)
    assert doc.format == "pdf-scan" and doc.role == "other" and doc.fields == {}
    (problem,) = doc.problems
    assert problem.code == "CONVERSION_UNAVAILABLE" and "Tesseract" in problem.message
    photo = parse_attachment("page.png", scans.picture(page), limits=NO_OCR)
    assert photo.format == "image" and photo.role == "other"
    assert [p.code for p in photo.problems] == ["CONVERSION_UNAVAILABLE"]


def test_pictures_that_are_not_pages_are_not_read():
    logo = Image.new("RGB", (400, 120), "navy")
    doc = parse_attachment("logo.png", scans.picture(logo))
    assert doc.role == "other" and doc.problems == () and doc.format == "image"
    broken = parse_attachment("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert broken.role == "other" and broken.problems == ()


def test_a_picture_of_enormous_dimensions_is_refused_unread():
    bomb = scans.png_claiming_size(200_000, 200_000)
    doc = parse_attachment("scan.png", bomb)
    assert [p.code for p in doc.problems] == ["PARSE_LIMIT"] and doc.role == "other"
    assert "too large" in doc.problems[0].message
