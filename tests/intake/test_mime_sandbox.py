"""MIME read in a reading process: the same ParsedMessage as in the worker, a message the
sandbox cannot read is kept for staff as failed, and an answer of the wrong shape is refused."""

from __future__ import annotations

import json
import struct
from dataclasses import replace

import pytest

from db.session import make_engine, migrate
from intake.mime import parse_message
from intake.mime_sandbox import (
    MessageUnreadable,
    decode_parsed,
    encode_parsed,
    read_message_in_sandbox,
)
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from parsers import ParseLimits
from parsers.transport import TransportError
from tests.intake.messages import PROGRAMME, corpus_files
from tests.pipeline.helpers import SAMPLES, MailMessage, Notification, make_settings, rows

LIMITS = ParseLimits()


def _many_lines(count: int) -> bytes:
    """A message whose body the line-by-line parser takes a while over."""
    head = b"From: a@na.example.org\r\nTo: ipb@opcw.org\r\nSubject: long\r\n\r\n"
    return head + b"a\r\n" * count


@pytest.mark.parametrize("path", [*SAMPLES, *corpus_files("mail")], ids=lambda path: path.name)
def test_a_message_read_in_the_sandbox_is_what_the_worker_would_read(path):
    raw = path.read_bytes()
    here = parse_message(raw, programme_address=PROGRAMME)
    there = read_message_in_sandbox(raw, programme_address=PROGRAMME, limits=LIMITS)
    assert there == here
    assert [item.data for item in there.attachments] == [item.data for item in here.attachments]


def test_a_message_over_the_time_limit_is_stopped_and_said_so():
    slow = _many_lines(300_000)
    with pytest.raises(MessageUnreadable, match="longer than its time limit") as stopped:
        read_message_in_sandbox(
            slow, programme_address=PROGRAMME, limits=replace(LIMITS, timeout_seconds=0.05)
        )
    assert "PARSE_LIMIT" not in str(stopped.value)  # said in words, for staff
    # the next message gets a fresh reading process and is read in full
    raw = SAMPLES[0].read_bytes()
    parsed = read_message_in_sandbox(raw, programme_address=PROGRAMME, limits=LIMITS)
    assert parsed == parse_message(raw, programme_address=PROGRAMME)


def test_a_message_the_sandbox_cannot_read_is_recorded_as_failed_and_not_answered(
    tmp_path, sqlite_url
):
    settings = make_settings(tmp_path, sqlite_url, parsers={"timeout_seconds": 0.05})
    engine = make_engine(sqlite_url)
    migrate(engine)
    ctx = make_context(settings, engine, worker_id="t")
    result = process_message(IncomingMessage("maildir:x:slow", _many_lines(300_000), None), ctx)
    assert result.outcome == "failed" and result.settle_as == "attention"
    (message,) = rows(engine, MailMessage)
    assert message.state == "failed" and "time limit" in (message.error or "")
    assert ctx.store.read(message.raw_sha256, kind="raw")  # kept as it came, for staff
    assert rows(engine, Notification) == []
    engine.dispose()


def _answer(**changes: object) -> bytes:
    """A well-formed answer for a sample, with some of its JSON fields changed."""
    parsed = parse_message(SAMPLES[0].read_bytes(), programme_address=PROGRAMME)
    payload = b"".join(encode_parsed(parsed))
    (length,) = struct.unpack_from("!I", payload)
    head = json.loads(payload[4 : 4 + length])
    head.update(changes)
    new = json.dumps(head).encode()
    return struct.pack("!I", len(new)) + new + payload[4 + length :]


def test_an_answer_of_the_wrong_shape_is_refused():
    good = _answer()
    assert decode_parsed(good).attachments
    sizes = json.loads(good[4 : 4 + struct.unpack_from("!I", good)[0]])["attachments"]
    longer = [{**sizes[0], "size": sizes[0]["size"] + 1}, *sizes[1:]]
    for bad in (
        good[:-1],  # an attachment cut short
        good + b"x",  # bytes no attachment claims
        _answer(attachments=longer),
        _answer(subject=["not", "text"]),
        _answer(date="yesterday"),
        _answer(is_bounce_or_autoreply="yes"),
        _answer(headers=None),
        b"\x00\x00",
    ):
        with pytest.raises(TransportError):
            decode_parsed(bad)


def test_the_digests_of_attachments_are_computed_on_the_worker_side():
    good = _answer()
    (length,) = struct.unpack_from("!I", good)
    head = json.loads(good[4 : 4 + length])
    head["attachments"][0]["sha256"] = "0" * 64  # a digest sent along is not even read
    forged = json.dumps(head).encode()
    parsed = decode_parsed(struct.pack("!I", len(forged)) + forged + good[4 + length :])
    expected = parse_message(SAMPLES[0].read_bytes(), programme_address=PROGRAMME)
    assert [a.sha256 for a in parsed.attachments] == [a.sha256 for a in expected.attachments]
