"""The SMTP transport against a real in-process server, and the file transport on disk."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from common.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.transport import FileTransport, SmtpTransport
from tests.fixtures.net import free_port


def reply(message_id: str = "<mpp-ack-1@opcw.org>", body: str = "Thank you.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "ipb@opcw.org"
    message["To"] = "na@example.org"
    message["Subject"] = "Your application MPP-2025-0001"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message


def smtp(host: str, port: int) -> SmtpTransport:
    return SmtpTransport(
        host=host, port=port, security="none", username="", password="", timeout=10
    )


def test_a_reply_is_delivered_with_its_envelope(smtp_server):
    transport = smtp(smtp_server.host, smtp_server.port)
    transport.send(
        reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org", "cc@example.org"]
    )
    (received,) = smtp_server.messages
    assert received.envelope_from == "ipb@opcw.org"
    assert received.envelope_to == ["na@example.org", "cc@example.org"]
    assert received.message["Message-ID"] == "<mpp-ack-1@opcw.org>"
    assert received.message.get_content().strip() == "Thank you."


def test_one_connection_carries_replies_back_to_back_until_closed(smtp_server):
    transport = smtp(smtp_server.host, smtp_server.port)
    for number in range(3):
        transport.send(
            reply(f"<r{number}@opcw.org>"),
            envelope_from="ipb@opcw.org",
            recipients=["na@example.org"],
        )
    transport.close()
    transport.send(
        reply("<r3@opcw.org>"), envelope_from="ipb@opcw.org", recipients=["na@example.org"]
    )
    transport.close()
    peers = [received.peer for received in smtp_server.messages]
    assert len(peers) == 4 and len(set(peers[:3])) == 1 and peers[3] != peers[0]


def test_a_connection_the_server_dropped_is_opened_again(restartable_smtp, monkeypatch):
    transport = smtp(restartable_smtp.host, restartable_smtp.port)
    try:
        transport.send(
            reply("<r1@opcw.org>"), envelope_from="ipb@opcw.org", recipients=["na@example.org"]
        )
        restartable_smtp.stop()  # the server restarts: the open connection is gone
        restartable_smtp.start()
        monkeypatch.setattr("notifications.transport.IDLE_CHECK_SECONDS", 0.0)
        transport.send(
            reply("<r2@opcw.org>"), envelope_from="ipb@opcw.org", recipients=["na@example.org"]
        )
    finally:
        transport.close()
    received = restartable_smtp.recorder.messages
    assert [r.message["Message-ID"] for r in received] == ["<r1@opcw.org>", "<r2@opcw.org>"]
    assert received[0].peer != received[1].peer


@pytest.mark.parametrize("code", [421, 451, 452])
def test_a_4xx_answer_is_a_temporary_failure(smtp_server, code):
    smtp_server.fail_next(code)
    with pytest.raises(TemporaryDeliveryError, match=str(code)):
        smtp(smtp_server.host, smtp_server.port).send(
            reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"]
        )
    assert smtp_server.messages == []


@pytest.mark.parametrize("code", [550, 554])
def test_a_5xx_answer_is_a_permanent_failure(smtp_server, code):
    smtp_server.fail_next(code)
    with pytest.raises(PermanentDeliveryError, match=str(code)):
        smtp(smtp_server.host, smtp_server.port).send(
            reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"]
        )


def test_the_next_send_after_a_temporary_failure_goes_through(smtp_server):
    smtp_server.fail_next(451)
    transport = smtp(smtp_server.host, smtp_server.port)
    with pytest.raises(TemporaryDeliveryError):
        transport.send(reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"])
    transport.send(reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"])
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_is_a_temporary_failure():
    transport = smtp("127.0.0.1", free_port())
    with pytest.raises(TemporaryDeliveryError):
        transport.send(reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"])


def test_the_file_transport_writes_one_readable_file_per_message_id(tmp_path):
    transport = FileTransport(tmp_path / "outbox")
    transport.send(reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"])
    transport.send(reply(), envelope_from="ipb@opcw.org", recipients=["na@example.org"])
    files = sorted((tmp_path / "outbox").iterdir())
    assert len(files) == 1 and files[0].name.startswith("mpp-ack-1")
    assert files[0].suffix == ".eml"
    written = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert written["Message-ID"] == "<mpp-ack-1@opcw.org>"
    assert written["Subject"] == "Your application MPP-2025-0001"


def test_the_file_transport_keeps_different_replies_apart(tmp_path):
    transport = FileTransport(tmp_path)
    transport.send(reply("<a@opcw.org>"), envelope_from="ipb@opcw.org", recipients=["x@y.org"])
    transport.send(reply("<b@opcw.org>"), envelope_from="ipb@opcw.org", recipients=["x@y.org"])
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2 and names[0].startswith("a") and names[1].startswith("b")


def test_a_hostile_message_id_cannot_leave_the_outbox(tmp_path):
    outbox = tmp_path / "outbox"
    FileTransport(outbox).send(
        reply("<../../etc/passwd@x>"), envelope_from="ipb@opcw.org", recipients=["x@y.org"]
    )
    (written,) = list(outbox.iterdir())
    assert written.parent == outbox and "/" not in written.name
    assert not (tmp_path / "etc").exists()
