"""Body text, dates and addresses of a message, also when its headers are broken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.mime import parse_message
from tests.intake.invariants import check_parsed
from tests.intake.messages import PROGRAMME, plain


def parse(raw: bytes):
    parsed = parse_message(raw, programme_address=PROGRAMME)
    check_parsed(parsed)
    return parsed


def headers_then(body: bytes, *lines: bytes) -> bytes:
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def test_the_body_is_the_text_part_when_there_is_one():
    message = plain(body="Plain words.")
    message.add_alternative("<p>HTML <b>words</b></p>", subtype="html")
    assert parse(message.as_bytes()).body_text.strip() == "Plain words."


def test_the_body_is_read_from_html_when_there_is_no_text_part():
    message = plain()
    message.set_content(
        "<html><head><style>p {color: red}</style><script>alert(1)</script></head>"
        "<body><p>Dear programme,</p><p>please find &amp; read our <b>form</b>.</p></body>",
        subtype="html",
    )
    body = parse(message.as_bytes()).body_text
    assert body.splitlines() == ["Dear programme,", "", "please find & read our form."]
    assert "alert" not in body and "color" not in body


def test_received_at_is_the_newest_received_header():
    raw = headers_then(
        b"hi",
        b"Received: from relay2 by mx.opcw.org; Tue, 04 Mar 2025 09:30:00 +0100",
        b"Received: from relay1 by relay2; Tue, 04 Mar 2025 08:00:00 +0000",
        b"Received: from a broken relay; not a date at all",
        b"From: ana@na.example.org",
        b"Date: Mon, 03 Mar 2025 10:00:00 +0000",
    )
    parsed = parse(raw)
    assert parsed.received_at == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert parsed.date == datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def test_received_at_falls_back_to_the_date_header():
    raw = headers_then(b"hi", b"From: a@b.org", b"Date: Mon, 03 Mar 2025 10:00:00 -0500")
    assert parse(raw).received_at == datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("date", [b"", b"Date: yesterday", b"Date: Mon, 99 Foo 2025 99:99:99"])
def test_no_readable_date_gives_none(date):
    parsed = parse(headers_then(b"hi", b"From: a@b.org", *([date] if date else [])))
    assert parsed.received_at is None and parsed.date is None


@pytest.mark.parametrize(
    ("header", "address"),
    [
        (b"From: Ana <ANA@NA.Example.ORG>", "ana@na.example.org"),
        (b"From: ana@na.example.org (Ana Perez)", "ana@na.example.org"),
        (b"From: <ana@na.example.org>", "ana@na.example.org"),
        (b'From: "Perez, Ana" <ana@na.example.org>, bob@x.org', "ana@na.example.org"),
        (b"From: Undisclosed:;", ""),
        (b"From: Ana Perez", ""),
        (b"From: <>", ""),
        (b'From: "unterminated <ana@na.example.org>', "ana@na.example.org"),
        (b"From: =?utf-8?q?Ana_P=C3=A9rez?= <ana@na.example.org>", "ana@na.example.org"),
        (b"From: Ana \xc3\xa9 <ana@na.example.org>", "ana@na.example.org"),
        (b"From: L\xfctke <l@x.de>", "l@x.de"),
    ],
)
def test_broken_from_headers(header, address):
    parsed = parse(headers_then(b"hi", header, b"To: ipb@opcw.org"))
    assert parsed.sender == address
    if not address:
        assert "no readable From address" in parsed.defects


def test_an_8bit_display_name_is_decoded_not_kept_as_raw_bytes():
    assert parse(headers_then(b"hi", b"From: L\xfctke <l@x.de>")).sender_name == "Lütke"
    assert parse(headers_then(b"hi", b"From: J\xc3\xb6rg <j@x.de>")).sender_name == "Jörg"


def test_the_sender_header_is_used_when_from_is_missing():
    parsed = parse(headers_then(b"hi", b"Sender: Office <office@na.example.org>"))
    assert parsed.sender == "office@na.example.org"


def test_missing_message_id_is_a_defect():
    parsed = parse(headers_then(b"hi", b"From: a@b.org"))
    assert parsed.message_id == "" and "no Message-ID header" in parsed.defects


def test_encoded_subject_with_line_breaks_is_one_line():
    raw = headers_then(
        b"hi", b"From: a@b.org", b"Subject: =?utf-8?b?QXBwbGljYXRpb24NCkJjYzogdkB4Lm9yZw==?="
    )
    assert parse(raw).subject == "Application Bcc: v@x.org"
