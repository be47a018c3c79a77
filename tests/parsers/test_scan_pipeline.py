"""A scanned application through the real pipeline: OCR's doubts reach a person
(needs_review), never an automatic rejection."""

from __future__ import annotations

import shutil
from email.message import EmailMessage

import pytest

from db.models import Application, Document, ExtractedField, Notification
from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import sha256_hex
from parsers import sandbox
from tests.fixtures.ci import require
from tests.parsers import scan_builders as scans
from tests.pipeline.helpers import make_settings, rows


@pytest.fixture
def ctx(tmp_path, sqlite_url):
    engine = make_engine(sqlite_url)
    migrate(engine)
    yield make_context(make_settings(tmp_path, sqlite_url), engine, worker_id="scan")
    engine.dispose()


def _message(filename: str, data: bytes, subtype: str) -> bytes:
    message = EmailMessage()
    message["From"] = "k.mensah@na.gov.gh"
    message["To"] = "ipb@opcw.org"
    message["Subject"] = "Application to the Mentorship/Partnership Programme"
    message["Message-ID"] = f"<{sha256_hex(data)[:16]}@na.gov.gh>"
    message["Date"] = "Mon, 10 Mar 2025 09:00:00 +0000"
    message.set_content("Please find our signed application attached.")
    maintype, _, sub = subtype.partition("/")
    message.add_attachment(data, maintype=maintype, subtype=sub, filename=filename)
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
