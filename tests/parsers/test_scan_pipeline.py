"""A scanned application through the real pipeline: OCR's doubts reach a person
(needs_review), never an automatic rejection."""

from __future__ import annotations

import shutil
import subprocess
from email.message import EmailMessage

import pytest

from db.models import Application, Document, ExtractedField, Notification
from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import sha256_hex
from parsers import sandbox
from tests.fixtures.ci import require
from tests.parsers import builders
from tests.parsers import scan_builders as scans
from tests.pipeline.helpers import make_settings, rows


@pytest.fixture
def ctx(tmp_path, sqlite_url):
    engine = make_engine(sqlite_url)
    migrate(engine)
    yield make_context(make_settings(tmp_path, sqlite_url), engine, worker_id="scan")
    engine.dispose()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AREA = ("Study visit to a laboratory", "Two staff trained", "An inspection unit", "Ready by 2026")


@pytest.fixture(scope="module")
def annex2_pages(tmp_path_factory) -> list:
    """The official Annex 2, filled, printed to PDF by LibreOffice and scanned."""
    require(shutil.which("soffice") is not None, "LibreOffice (libreoffice-writer-nogui)")
    folder = tmp_path_factory.mktemp("annex2")
    source = folder / "annex2.docx"
    source.write_bytes(builders.to_bytes(builders.fill_annex2({1: AREA, 3: AREA})))
    profile = (folder / "profile").as_uri()
    command = ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to"]
    subprocess.run(
        [*command, "pdf", "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return scans.page_images((folder / "annex2.pdf").read_bytes())


def _annex1() -> tuple[str, bytes, str]:
    return ("Annex 1.docx", builders.to_bytes(builders.filled(sponsorship="No")), DOCX)


def _message(filename: str, data: bytes, subtype: str, *more: tuple[str, bytes, str]) -> bytes:
    message = EmailMessage()
    message["From"] = "k.mensah@na.gov.gh"
    message["To"] = "ipb@opcw.org"
    message["Subject"] = "Application to the Mentorship/Partnership Programme"
    message["Message-ID"] = f"<{sha256_hex(data)[:16]}@na.gov.gh>"
    message["Date"] = "Mon, 10 Mar 2025 09:00:00 +0000"
    message.set_content("Please find our signed application attached.")
    for name, content, kind in ((filename, data, subtype), *more):
        maintype, _, sub = kind.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=sub, filename=name)
    return message.as_bytes()


def _run(ctx, raw: bytes) -> Application:
    process_message(IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None), ctx)
    (application,) = rows(ctx.engine, Application)
    return application


def test_a_poor_scan_goes_to_a_person_with_what_was_read(ctx):
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    pages = [
        scans.degrade(page, blur=1.8, speckles=0.003)
        for page in scans.page_images(scans.official_form_pdf())
    ]
    application = _run(ctx, _message("scan.pdf", scans.image_pdf(pages), "application/pdf"))
    assert application.status == "needs_review"
    assert any("low confidence" in reason for reason in application.decision_reasons)
    (document,) = rows(ctx.engine, Document)
    assert document.role == "application_form" and document.format == "pdf-scan"
    fields = {f.name: f for f in rows(ctx.engine, ExtractedField)}
    assert any(f.confidence < 0.6 for f in fields.values())
    assert fields["state_party"].value == scans.ANSWERS["state_party"]
    sent = {n.kind for n in rows(ctx.engine, Notification) if n.status != "draft"}
    assert not sent & {"incomplete", "ineligible"}, "only a person may reject a scan"


def test_a_clean_scan_still_waits_for_a_person_to_check_the_signature(ctx):
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    page = scans.drawn_form({"mode": "Seeking mentorship", "sponsorship": "No"})
    application = _run(ctx, _message("form.png", scans.picture(page), "image/png"))
    assert application.status == "needs_review"
    assert application.state_party == scans.ANSWERS["state_party"]
    assert application.mode == "seeking" and application.sponsorship_required is False
    assert application.signed is None
    assert any("SIGNATURE_UNVERIFIED" in reason for reason in application.decision_reasons)


def test_without_tesseract_a_scan_goes_to_a_person(ctx, monkeypatch, tmp_path):
    """New sandbox helpers started with no Tesseract on their PATH."""
    sandbox.stop_helpers()
    monkeypatch.setenv("PATH", str(tmp_path))
    try:
        page = scans.page_images(scans.official_form_pdf())[0]
        application = _run(ctx, _message("scan.pdf", scans.image_pdf([page]), "application/pdf"))
    finally:
        sandbox.stop_helpers()
    assert application.status == "needs_review"
    (document,) = rows(ctx.engine, Document)
    assert document.role == "other" and document.format == "pdf-scan"
    assert any("FORM_MISSING" in reason for reason in application.decision_reasons)


def _scanned(pages: list, blur: float, speckles: float) -> bytes:
    return scans.image_pdf(
        [scans.degrade(page.copy(), blur=blur, speckles=speckles) for page in pages]
    )


def _sent_kinds(ctx) -> set[str]:
    return {n.kind for n in rows(ctx.engine, Notification) if n.status != "draft"}


def test_a_clean_scan_of_annex_2_completes_the_application(ctx, annex2_pages):
    """The control for the two tests below: the same forms, scanned cleanly."""
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    raw = _message(*_annex1(), ("Annex 2.pdf", _scanned(annex2_pages, 0, 0), "application/pdf"))
    application = _run(ctx, raw)
    assert len(application.thematic_areas) == 2
    assert not any("a person must read" in reason for reason in application.decision_reasons)


def test_annex_2_scanned_too_poorly_to_trust_goes_to_a_person(ctx, annex2_pages):
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    poor = _scanned(annex2_pages, 2.6, 0.01)
    application = _run(ctx, _message(*_annex1(), ("Annex 2.pdf", poor, "application/pdf")))
    assert application.status == "needs_review"
    assert any(
        reason.startswith("needs_review: a person must read: Annex 2.pdf")
        and "low confidence" in reason
        for reason in application.decision_reasons
    ), application.decision_reasons
    assert not _sent_kinds(ctx) & {"incomplete", "ineligible"}


def test_a_blurred_annex_2_that_ocr_cannot_recognise_goes_to_a_person(ctx, annex2_pages):
    """Without this the application would be answered as incomplete (no results
    framework) while the applicant sent one."""
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    blurred = _scanned(annex2_pages, 1.8, 0.003)
    application = _run(ctx, _message(*_annex1(), ("Annex 2.pdf", blurred, "application/pdf")))
    documents = {doc.filename: doc for doc in rows(ctx.engine, Document)}
    if documents["Annex 2.pdf"].role == "results_framework":
        pytest.skip("this Tesseract read the blurred page well enough to recognise it")
    assert application.status == "needs_review"
    assert any("could not recognise" in reason for reason in application.decision_reasons)
    assert not _sent_kinds(ctx) & {"incomplete", "ineligible"}


def test_a_legacy_annex_2_without_libreoffice_goes_to_a_person(tmp_path, sqlite_url):
    settings = make_settings(tmp_path, sqlite_url).with_overrides(
        parsers={"libreoffice_command": "no-such-soffice"}
    )
    engine = make_engine(sqlite_url)
    migrate(engine)
    ctx = make_context(settings, engine, worker_id="legacy")
    rtf = rb"{\rtf1\ansi Annex 2 Results framework: 1. Legislation, draft law.}"
    try:
        application = _run(ctx, _message(*_annex1(), ("Annex 2.rtf", rtf, "application/rtf")))
        assert application.status == "needs_review"
        reasons = " ".join(application.decision_reasons)
        assert "a person must read: Annex 2.rtf" in reasons and "LibreOffice" in reasons
        assert not _sent_kinds(ctx) & {"incomplete", "ineligible"}
    finally:
        engine.dispose()
