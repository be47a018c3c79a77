"""The worker against a real Dovecot and a real SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from db.session import make_engine, migrate
from intake.model import IncomingMessage, Ledger
from intake.sources.imap import ImapSource
from intake.worker import Worker
from notifications.transport import SmtpTransport
from tests.pipeline.helpers import (
    SAMPLES,
    Application,
    MailMessage,
    Notification,
    count,
    make_settings,
    rows,
)

pytestmark = pytest.mark.imap


def imap_source(server, *, port: int | None = None) -> ImapSource:
    return ImapSource(
        host=server.host,
        port=port or server.port,
        security="none",
        username=server.user,
        password=server.password,
        timeout=10,
    )


def smtp_transport(smtp_server) -> SmtpTransport:
    return SmtpTransport(
        host=smtp_server.host,
        port=smtp_server.port,
        security="none",
        username="",
        password="",
        timeout=10,
    )


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_one_poll_turns_each_email_into_one_application_and_one_reply(
    tmp_path, db_url, engine, imap_mailbox, smtp_server
):
    for path in SAMPLES:
        imap_mailbox.append("INBOX", path.read_bytes())
    settings = make_settings(tmp_path, db_url, mailbox={"source": "imap", "batch_size": 4})
    worker = Worker(
        settings,
        engine,
        worker_id="w1",
        source=imap_source(imap_mailbox),
        transport=smtp_transport(smtp_server),
    )

    poll, delivery = worker.run_once()

    assert poll.error is None
    assert count(engine, MailMessage) == len(SAMPLES)
    assert count(engine, Application) == len(SAMPLES) - 1  # the auto-reply is no application
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(imap_mailbox.list_uids("Processed")) == len(SAMPLES)
    assert all(b"\\Seen" not in flags for flags in imap_mailbox.flags("Processed").values())
    queued = [row for row in rows(engine, Notification) if row.status != "draft"]
    assert len(delivery.sent) == len(queued) == len(smtp_server.messages)
    by_id = {m.message["Message-ID"]: m for m in smtp_server.messages}
    applications = {app.id: app for app in rows(engine, Application)}
    for notification in queued:
        got = by_id[notification.message_id_header]
        assert sorted(got.envelope_to) == sorted(notification.to)
        assert applications[notification.application_id].sender in got.envelope_to
        assert got.message["Subject"] == notification.subject
        assert applications[notification.application_id].reference in notification.subject

    again, redelivery = worker.run_once()
    assert (again.results, redelivery.sent) == ([], [])
    assert len(smtp_server.messages) == len(queued)


class CutAfter:
    """The real IMAP source, with the connection cut after ``n`` messages were yielded."""

    def __init__(self, source: ImapSource, proxy, n: int) -> None:
        self.source, self.proxy, self.n = source, proxy, n

    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        for index, message in enumerate(self.source.fetch_new(ledger, batch_size=batch_size)):
            if index == self.n:
                self.proxy.cut()
            yield message

    def settle(self, moves) -> None:
        self.source.settle(moves)

    def close(self) -> None:
        self.source.close()


def test_a_connection_cut_mid_batch_loses_and_duplicates_nothing(
    tmp_path, sqlite_url, imap_mailbox, tcp_proxy, smtp_server
):
    engine = make_engine(sqlite_url)
    migrate(engine)
    for path in SAMPLES[:8]:
        imap_mailbox.append("INBOX", path.read_bytes())
    settings = make_settings(tmp_path, sqlite_url, mailbox={"source": "imap", "batch_size": 3})
    source = imap_source(imap_mailbox, port=tcp_proxy.port)
    worker = Worker(
        settings,
        engine,
        worker_id="w1",
        source=CutAfter(source, tcp_proxy, 2),
        transport=smtp_transport(smtp_server),
    )

    first, _ = worker.run_once()
    assert first.error is not None and "IMAP" in first.error
    worker.source = source  # the next poll reconnects through the same proxy
    second, _ = worker.run_once()
    assert second.error is None

    messages = rows(engine, MailMessage)
    assert len(messages) == 8
    assert len({m.source_key for m in messages}) == 8
    assert {m.state for m in messages} == {"done"}
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(imap_mailbox.list_uids("Processed")) == 8
    sent = [row for row in rows(engine, Notification) if row.status == "sent"]
    assert len(smtp_server.messages) == len(sent) == count(engine, Notification)
    engine.dispose()


def test_with_idle_new_mail_is_taken_at_once_not_at_the_next_poll(
    tmp_path, sqlite_url, imap_mailbox, smtp_server, monkeypatch
):
    engine = make_engine(sqlite_url)
    migrate(engine)
    settings = make_settings(
        tmp_path,
        sqlite_url,
        mailbox={
            "source": "imap",
            "host": imap_mailbox.host,
            "port": imap_mailbox.port,
            "security": "none",
            "username": imap_mailbox.user,
            "password_env": "MPP_TEST_IMAP_PASSWORD",
        },
        worker={"poll_seconds": 600.0},
    )
    monkeypatch.setenv("MPP_TEST_IMAP_PASSWORD", imap_mailbox.password)
    worker = Worker(settings, engine, worker_id="idle", transport=smtp_transport(smtp_server))
    thread = threading.Thread(target=worker.run_forever, kwargs={"install_signals": False})
    thread.start()
    try:
        time.sleep(2)  # the first run has found the mailbox empty; the next poll is 10 min away
        imap_mailbox.append("INBOX", SAMPLES[0].read_bytes())
        deadline = time.monotonic() + 30
        while not rows(engine, Notification) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(rows(engine, Application)) == 1
    finally:
        worker.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    engine.dispose()
