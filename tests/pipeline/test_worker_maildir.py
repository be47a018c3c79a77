"""The worker on the embedded defaults: a Maildir inbox, replies to a real SMTP server."""

from __future__ import annotations

import mailbox
import time
from collections.abc import Iterator, Sequence

from db.models import FindingRecord
from db.session import make_engine, migrate
from intake.model import IncomingMessage, Ledger, Move
from intake.sources.maildir import MaildirSource
from intake.worker import Worker
from notifications.transport import SmtpTransport
from tests.fixtures.smtp import SmtpRecorder
from tests.pipeline.helpers import (
    SAMPLES,
    Application,
    MailMessage,
    Notification,
    count,
    make_settings,
    rows,
)


def errors_of(engine, application_id: int) -> list[FindingRecord]:
    return [
        row
        for row in rows(engine, FindingRecord)
        if row.application_id == application_id and row.severity == "error"
    ]


def test_worker_takes_each_maildir_message_once_and_replies(tmp_path, db_url, smtp_server):
    settings = make_settings(tmp_path, db_url)
    engine = make_engine(db_url)
    migrate(engine)
    inbox = mailbox.Maildir(settings.mailbox.path, create=True)
    for path in SAMPLES:
        inbox.add(path.read_bytes())
    transport = SmtpTransport(
        host=smtp_server.host,
        port=smtp_server.port,
        security="none",
        username="",
        password="",
        timeout=10,
    )
    worker = Worker(settings, engine, worker_id="t1", transport=transport)

    poll, delivery = worker.run_once()

    assert poll.error is None
    assert len(poll.results) == len(SAMPLES) == count(engine, MailMessage)
    assert count(engine, Application) == len(SAMPLES) - 1  # one auto-reply
    assert len(mailbox.Maildir(settings.mailbox.path, create=False)) == 0
    processed = mailbox.Maildir(settings.mailbox.path, create=False).get_folder("Processed")
    assert len(processed) == len(SAMPLES)
    queued = [row for row in rows(engine, Notification) if row.status != "draft"]
    applications = {app.id: app for app in rows(engine, Application)}
    assert sorted(delivery.sent) == sorted(n.id for n in queued)
    received = {m.message["Message-ID"]: m for m in smtp_server.messages}
    for notification in queued:
        got = received[notification.message_id_header]
        assert sorted(got.envelope_to) == sorted(notification.to)
        assert got.message["Subject"] == notification.subject
        assert got.message["Auto-Submitted"] == "auto-replied"
        body = got.message.get_body(("plain",)).get_content()
        assert " ".join(body.split()) == " ".join(notification.body_text.split())
        application = applications[notification.application_id]
        assert application.reference in body
        if notification.kind in {"incomplete", "ineligible"} and application.language == "en":
            for finding in errors_of(engine, application.id):
                assert " ".join(finding.message.split()) in " ".join(body.split())

    again, redelivery = worker.run_once()
    assert again.results == [] and redelivery.sent == []
    assert len(smtp_server.messages) == len(queued)
    engine.dispose()


class WaitsForAReply:
    """The real Maildir source; before it hands over its last message it waits (up to
    20 s) for a reply to reach the SMTP server, and notes whether one did."""

    def __init__(self, source: MaildirSource, smtp_server: SmtpRecorder) -> None:
        self.source, self.smtp_server = source, smtp_server
        self.reply_before_last: bool | None = None

    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        messages = list(self.source.fetch_new(ledger, batch_size=batch_size))
        for index, message in enumerate(messages):
            if index == len(messages) - 1:
                deadline = time.monotonic() + 20
                while not self.smtp_server.messages and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.reply_before_last = bool(self.smtp_server.messages)
            yield message

    def settle(self, moves: Sequence[Move]) -> None:
        self.source.settle(moves)

    def close(self) -> None:
        self.source.close()


def test_replies_go_out_while_the_poll_is_still_taking_messages(tmp_path, db_url, smtp_server):
    settings = make_settings(tmp_path, db_url)
    engine = make_engine(db_url)
    migrate(engine)
    inbox = mailbox.Maildir(settings.mailbox.path, create=True)
    for path in SAMPLES[:6]:
        inbox.add(path.read_bytes())
    source = WaitsForAReply(MaildirSource(settings.mailbox.path), smtp_server)
    transport = SmtpTransport(
        host=smtp_server.host, port=smtp_server.port, security="none", username="", password=""
    )
    worker = Worker(settings, engine, worker_id="t1", source=source, transport=transport)

    poll, delivery = worker.run_once()

    assert poll.error is None and len(poll.results) == 6
    assert source.reply_before_last is True
    queued = [row for row in rows(engine, Notification) if row.status != "draft"]
    assert sorted(delivery.sent) == sorted(n.id for n in queued)
    assert len(smtp_server.messages) == len(queued)
    engine.dispose()
