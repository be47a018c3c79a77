"""Hostile and broken input never crashes: each becomes a document with a clear problem."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from parsers import ParseLimits, parse_attachment, sandbox
from parsers.sniff import sniff
from tests.parsers import builders as b
from tests.parsers import pdf_builders as pdf

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FORM = b.to_bytes(b.filled())


def _codes(doc) -> list[str]:
    return [p.code for p in doc.problems]


def _docx_with(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(FORM)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item))
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_inflating():
    bomb = _docx_with({"word/document.xml": b" " * 60_000_000})
    started = time.monotonic()
    doc = parse_attachment("bomb.docx", bomb)
    assert _codes(doc) == ["PARSE_LIMIT"] and doc.role == "other"
    assert time.monotonic() - started < 5


def test_package_over_the_unzipped_limit():
    doc = parse_attachment("form.docx", FORM, limits=ParseLimits(max_unzipped_bytes=10_000))
    assert _codes(doc) == ["PARSE_LIMIT"]


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
        b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;&c;&c;</d>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        b"<not-closed",
    ],
)
def test_xml_bombs_external_entities_and_bad_xml(xml):
    doc = parse_attachment("form.docx", _docx_with({"word/document.xml": xml}))
    assert _codes(doc) == ["PARSE_FAILED"]
    assert "passwd" not in doc.text and "root:" not in doc.text


def test_truncated_files():
    assert _codes(parse_attachment("form.docx", FORM[: len(FORM) // 2])) == ["PARSE_FAILED"]
    truncated_pdf = parse_attachment("form.pdf", pdf.BLANK[: len(pdf.BLANK) // 3])
    assert truncated_pdf.role in ("other", "application_form")


def test_formats_are_sniffed_not_taken_from_the_name():
    as_docx = parse_attachment("annex1.docx", pdf.BLANK)
    assert as_docx.format == "pdf-text" and as_docx.role == "application_form"
    as_pdf = parse_attachment("annex1.pdf", FORM)
    assert as_pdf.format == "docx" and as_pdf.role == "application_form"
    picture = parse_attachment("annex1.docx", b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert _codes(picture) == ["UNSUPPORTED_FORMAT"] and picture.role == "other"


def test_a_picture_magic_wins_over_a_pdf_header_further_on():
    """PDF readers accept bytes before ``%PDF-``, so a PDF is found anywhere in the first
    kilobyte, but not in a file that starts as something else."""
    assert sniff(b"\x89PNG\r\n\x1a\n%PDF-1.7" + bytes(50)) == "image"
    assert sniff(b"PK\x03\x04%PDF-1.7") == "docx-zip"
    assert sniff(b"\x00" * 20 + pdf.BLANK[:200]) == "pdf"
    assert sniff(pdf.BLANK) == "pdf"


def test_pictures_and_other_attachments_are_other_without_a_problem():
    logo = parse_attachment("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert logo.role == "other" and logo.problems == () and logo.format == "image"
    invite = parse_attachment("invite.ics", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    assert invite.role == "other" and invite.problems == ()


def test_macro_enabled_document_is_refused():
    doc = parse_attachment("form.docm", _docx_with({"word/vbaProject.bin": b"\x00" * 64}))
    assert _codes(doc) == ["UNSUPPORTED_FORMAT"]


def test_old_word_and_encrypted_office_files():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    without = ParseLimits(libreoffice_command="no-such-libreoffice")
    old_word = ole + "WordDocument".encode("utf-16-le")
    assert _codes(parse_attachment("form.doc", old_word, limits=without)) == [
        "CONVERSION_UNAVAILABLE"
    ]
    locked = parse_attachment("form.docx", ole + "EncryptedPackage".encode("utf-16-le"))
    assert _codes(locked) == ["ENCRYPTED"]
    rtf = parse_attachment("form.rtf", b"{\\rtf1 hello}", limits=without)
    assert _codes(rtf) == ["CONVERSION_UNAVAILABLE"]


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared hostile corpus is not here")
@pytest.mark.parametrize(
    "name",
    [
        "pypdf-r2-user-password.pdf",
        "plumber-password-example.pdf",
        "pdfminer-aes-256-r6.pdf",
        "samplefiles-libreoffice-writer-password.pdf",
    ],
)
def test_password_protected_pdfs(name):
    doc = parse_attachment(name, (CORPUS / "pdf" / name).read_bytes())
    assert _codes(doc) == ["ENCRYPTED"] and doc.role == "other"


def test_time_limit_kills_the_reader_and_the_sandbox_goes_on():
    doc = parse_attachment("slow.pdf", pdf.BLANK, limits=ParseLimits(timeout_seconds=0.001))
    assert _codes(doc) == ["PARSE_LIMIT"]
    assert parse_attachment("form.docx", FORM).role == "application_form"


def test_memory_limit():
    # Twenty copies of the form: more than the memory the warm helper hands its child unused.
    writer = PdfWriter()
    for _ in range(20):
        writer.append(PdfReader(io.BytesIO(pdf.BLANK)))
    big = io.BytesIO()
    writer.write(big)
    limits = ParseLimits(memory_bytes=32 * 1024 * 1024)
    # A fresh helper: forked from one that has served other tests, a child this far below
    # its own starting size can fail its first allocation where only a segfault follows.
    sandbox.stop_helpers()
    doc = parse_attachment("big.pdf", big.getvalue(), limits=limits)
    assert _codes(doc) == ["PARSE_LIMIT"]
    assert doc.role == "other"


def test_input_over_the_size_limit_is_not_read():
    doc = parse_attachment("form.docx", FORM, limits=ParseLimits(max_input_bytes=1000))
    assert _codes(doc) == ["PARSE_LIMIT"]


def test_a_dead_helper_is_replaced():
    parse_attachment("form.docx", FORM)
    for helper in list(sandbox._POOL.idle):
        helper.process.kill()
        helper.process.wait()
    assert parse_attachment("form.docx", FORM).role == "application_form"


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared hostile corpus is not here")
def test_every_corpus_document_gives_an_answer():
    files = sorted((CORPUS / "docx").iterdir()) + sorted((CORPUS / "pdf").iterdir())
    assert files
    for path in files:
        doc = parse_attachment(path.name, path.read_bytes())
        assert doc.filename == path.name
        assert doc.role in ("application_form", "results_framework", "prior_assessment", "other")


def test_helpers_can_be_started_ahead():
    sandbox.start_helpers(2)
    assert len(sandbox._POOL.idle) >= 2
    assert parse_attachment("form.docx", FORM).role == "application_form"
