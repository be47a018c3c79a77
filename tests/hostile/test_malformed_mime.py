"""Broken MIME through the real pipeline: each message is recorded, and the form still found."""

from __future__ import annotations

import pytest

from tests.hostile.forms import HEAD, base64_part, form_docx, raw_multipart
from tests.hostile.pipeline_run import run

TEXT = b"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease find our application."


def roles(recorded) -> list[str]:
    return sorted(document.role for document in recorded.documents)


def test_a_well_formed_message_finds_its_form(ctx):
    recorded = run(ctx, raw_multipart(TEXT, base64_part(form_docx())))
    assert roles(recorded) == ["application_form"]
    assert recorded.application.state_party == "Republic of Kenya"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(raw_multipart(TEXT, base64_part(form_docx()), tail=b""), id="no-final"),
        pytest.param(
            raw_multipart(TEXT, base64_part(form_docx()), tail=b"--BND\r\n"), id="open-end"
        ),
        pytest.param(
            raw_multipart(TEXT, base64_part(form_docx()), tail=b"--OTHER--\r\n"), id="wrong-close"
        ),
        pytest.param(
            raw_multipart(TEXT, base64_part(form_docx()), boundary=b"  spaced ( ) boundary"),
            id="illegal-boundary",
        ),
    ],
)
def test_broken_final_boundaries_still_give_the_form(ctx, raw):
    assert roles(run(ctx, raw)) == ["application_form"]


def test_a_boundary_never_used_is_recorded_as_a_body(ctx):
    raw = HEAD.replace(b"{n}", b"1") + b'Content-Type: multipart/mixed; boundary="NOPE"\r\n\r\n'
    recorded = run(ctx, raw + b"Just text, no parts at all.\r\n")
    assert recorded.application is not None and recorded.documents == []
    assert recorded.message.defects


def test_a_multipart_without_a_boundary_parameter(ctx):
    raw = HEAD.replace(b"{n}", b"1") + b"Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n"
    assert run(ctx, raw).application is not None


def test_bad_base64_in_one_part_loses_nothing_else(ctx):
    broken = (
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="annex2.pdf"\r\n\r\n'
        b"JVBERi0x!!!LjQK@@@not*base64===\r\nAAA"
    )
    recorded = run(ctx, raw_multipart(TEXT, broken, base64_part(form_docx())))
    by_name = {document.filename: document for document in recorded.documents}
    assert set(by_name) == {"annex2.pdf", "annex1.docx"}
    assert by_name["annex1.docx"].role == "application_form"


@pytest.mark.parametrize(
    "part",
    [
        pytest.param(
            b'Content-Type: text/plain; charset="x-no-such"\r\n\r\nHola se\xf1or', id="unknown"
        ),
        pytest.param(
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nSe\xf1or \xff\xfe", id="wrong"
        ),
        pytest.param(b"Content-Type: text/plain; charset=utf-16\r\n\r\n\x00A\x00", id="odd-utf16"),
        pytest.param(b'Content-Type: text/plain; charset="\xff\xfe"\r\n\r\nbody', id="8bit-name"),
        pytest.param(b"Content-Type: text/html; charset=bogus\r\n\r\n<p>Se\xf1or</p>", id="html"),
    ],
)
def test_wrong_and_unknown_charsets_give_readable_text(ctx, part):
    recorded = run(ctx, raw_multipart(part, base64_part(form_docx())))
    assert recorded.message.body_text.strip()
    assert roles(recorded) == ["application_form"]


def test_8bit_headers_are_decoded_and_stored(ctx):
    raw = (
        b"From: Jos\xe9 Mu\xf1oz <jose@na.example.org>\r\nTo: ipb@opcw.org\r\n"
        b"Subject: Candidature \xe0 l'\xe9valuation \xc3\xa9\r\nMessage-ID: <8bit@x>\r\n"
        b'Content-Type: multipart/mixed; boundary="BND"\r\n\r\n--BND\r\n'
        + base64_part(form_docx(), filename=b"Formulaire \xe9t\xe9.docx")
        + b"\r\n--BND--\r\n"
    )
    recorded = run(ctx, raw)
    assert recorded.message.sender == "jose@na.example.org"
    assert recorded.message.sender_name == "José Muñoz"
    assert "Candidature" in recorded.message.subject
    (document,) = recorded.documents
    assert document.role == "application_form" and document.filename.startswith("Formulaire")


@pytest.mark.parametrize("missing", [b"From", b"Message-ID", b"Date"])
def test_missing_headers_are_recorded(ctx, missing):
    lines = [line for line in HEAD.split(b"\r\n") if not line.startswith(missing + b":")]
    raw = b"\r\n".join(lines).replace(b"{n}", b"m") + b"Content-Type: text/plain\r\n\r\nHello"
    recorded = run(ctx, raw)
    assert recorded.application is not None and recorded.message.received_at is not None
    if missing == b"From":
        assert recorded.application.reply_suppressed_reason and recorded.notifications == []


def test_no_headers_at_all(ctx):
    recorded = run(ctx, b"just some words\r\nand more words\r\n")
    assert recorded.message.defects and recorded.notifications == []


def test_an_enormous_header_is_cut_and_the_form_still_read(ctx):
    raw = raw_multipart(TEXT, base64_part(form_docx()))
    raw = raw.replace(b"Subject: Application", b"Subject: " + b"A" * (1024 * 1024), 1)
    recorded = run(ctx, raw)
    assert any("Subject" in defect for defect in recorded.message.defects)
    assert roles(recorded) == ["application_form"]


def test_a_megabyte_of_folded_header_lines(ctx):
    folded = b"X-Filler: start\r\n" + b" more\r\n" * (1024 * 1024 // 7)
    raw = raw_multipart(TEXT, base64_part(form_docx()))
    recorded = run(ctx, raw.replace(b"MIME-Version", folded + b"MIME-Version", 1))
    assert roles(recorded) == ["application_form"]


def test_a_thousand_nested_multiparts(ctx):
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (level, level)
        for level in range(1000)
    )
    closing = b"".join(b"\r\n--n%d--" % level for level in reversed(range(1000)))
    raw = HEAD.replace(b"{n}", b"deep") + opening + TEXT + closing
    recorded = run(ctx, raw)
    assert recorded.message.sender == "ana@na.example.org"  # the headers are still read
    assert recorded.message.defects


@pytest.mark.slow  # each of the 500 parts read is parsed as a document
def test_ten_thousand_parts(ctx):
    parts = [base64_part(form_docx())] + [
        b"Content-Type: application/octet-stream\r\n\r\nx%d" % number for number in range(10_000)
    ]
    recorded = run(ctx, raw_multipart(TEXT, *parts))
    assert roles(recorded).count("application_form") == 1
    assert any("not read" in defect for defect in recorded.message.defects)
    assert len(recorded.documents) < 1000


def test_thousands_of_header_parameters_in_a_part(ctx):
    heavy = b"Content-Type: application/pdf" + b"; a=b" * 100_000 + b"\r\n\r\n%PDF-1.4"
    recorded = run(ctx, raw_multipart(TEXT, heavy, base64_part(form_docx())))
    assert roles(recorded).count("application_form") == 1
