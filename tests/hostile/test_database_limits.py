"""Values longer or stranger than a column allows are recorded on SQLite and PostgreSQL alike."""

from __future__ import annotations

from tests.hostile.forms import DOCX, HEAD, base64_part, form_docx, form_with, raw_multipart
from tests.hostile.pipeline_run import run
from tests.intake.messages import forwarded, plain, with_file

LONG = "Evil " * 2000


def test_long_and_binary_headers(any_db_ctx):
    raw = (
        b"From: " + b"\xe9" * 3000 + b" <" + b"a" * 300 + b"@na.example.org>\r\n"
        b"To: ipb@opcw.org\r\nSubject: nul \x00 here \xff\r\n"
        b"Message-ID: <" + "é".encode() * 4000 + b"@x>\r\n"
        b'Content-Type: multipart/mixed; boundary="BND"\r\n\r\n--BND\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody with \x00 a NUL\r\n--BND\r\n"
        b"Content-Type: application/"
        + b"x" * 400
        + b'\r\nContent-Disposition: attachment; filename="'
        + b"n" * 5000
        + b'.pdf"\r\n\r\n%PDF-1.4\r\n--BND--\r\n'
    )
    recorded = run(any_db_ctx, raw)
    assert recorded.application is not None and len(recorded.documents) == 1
    assert "\x00" not in recorded.message.subject + recorded.message.body_text


def test_a_long_forwarded_subject_in_the_origin(any_db_ctx):
    inner = with_file(plain(subject="S" * 5000), "annex1.docx", form_docx(), DOCX)
    for _ in range(4):
        inner = forwarded(inner, subject="Fwd: " + "F" * 3000)
    (document,) = run(any_db_ctx, inner.as_bytes()).documents
    assert document.role == "application_form" and len(document.origin) <= 512


def test_form_answers_longer_than_their_columns(any_db_ctx):
    form = form_with(contact_person=LONG, email_line="w@nacwc.go.ke " + "+1 555 0100 " * 300)
    recorded = run(any_db_ctx, raw_multipart(base64_part(form)))
    assert recorded.application is not None
    assert recorded.application.contact_person.startswith("Evil")


def test_eight_bit_and_empty_headers(any_db_ctx):
    raw = HEAD.replace(b"{n}", b"\xff\xfe").replace(b"Application", b"") + b"\r\n\xc3\x28 body"
    assert run(any_db_ctx, raw).message.message_id
