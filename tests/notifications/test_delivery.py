"""The outbox against a real SMTP server: retries with backoff, visible permanent failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import sha256_hex
from notifications.delivery import SendOutcome, deliver_due
from notifications.transport import SmtpTransport
from tests.pipeline.helpers import SAMPLES, Notification, make_settings, rows


@pytest.fixture
def queued(tmp_path, db_url):
    settings = make_settings(
        tmp_path, db_url, notifications={"retry_base_seconds": 0.0, "max_attempts": 3}
    )
    engine = make_engine(db_url)
    migrate(engine)
    raw = SAMPLES[0].read_bytes()
    ctx = make_context(settings, engine, worker_id="t")
    process_message(IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None), ctx)
    yield settings, engine
    engine.dispose()


def transport(smtp_server) -> SmtpTransport:
    return SmtpTransport(
        host=smtp_server.host,
        port=smtp_server.port,
        security="none",
        username="",
        password="",
        timeout=10,
    )


def test_a_temporary_failure_is_retried_then_sent_once(queued, smtp_server):
    settings, engine = queued
    smtp_server.fail_next(451)
    first = deliver_due(engine, transport(smtp_server), settings)
    (row,) = rows(engine, Notification)
    assert first.retrying == [row.id] and row.status == "pending" and row.attempts == 1
    assert "451" in (row.last_error or "")
    second = deliver_due(engine, transport(smtp_server), settings)
    assert second.sent == [row.id]
    assert len(smtp_server.messages) == 1
    assert deliver_due(engine, transport(smtp_server), settings).sent == []


def test_a_permanent_failure_is_marked_failed_for_staff(queued, smtp_server):
    settings, engine = queued
    smtp_server.fail_next(550)
    report = deliver_due(engine, transport(smtp_server), settings)
    (row,) = rows(engine, Notification)
    assert report.failed == [row.id] and row.status == "failed" and "550" in (row.last_error or "")
    assert smtp_server.messages == []


def test_a_server_that_stays_down_gives_up_after_max_attempts(queued, smtp_server):
    settings, engine = queued
    down = SmtpTransport(
        host="127.0.0.1", port=1, security="none", username="", password="", timeout=2
    )
    for _ in range(3):
        deliver_due(engine, down, settings)
    (row,) = rows(engine, Notification)
    assert row.status == "failed" and row.attempts == 3


class LocksTheDatabaseAfterSending:
    """The real SMTP transport; once the server has taken the reply, another connection
    takes SQLite's write lock and holds it, as a database going away would."""

    def __init__(self, inner: SmtpTransport, database: Path) -> None:
        self.inner, self.database = inner, database
        self.holder: sqlite3.Connection | None = None

    def send(self, message, *, envelope_from: str, recipients: list[str]) -> None:
        self.inner.send(message, envelope_from=envelope_from, recipients=recipients)
        self.holder = sqlite3.connect(self.database, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.inner.close()


def test_a_reply_sent_while_the_database_is_away_is_recorded_later_and_not_sent_again(
    tmp_path, smtp_server
):
    database = tmp_path / "mpp.db"
    settings = make_settings(tmp_path, f"sqlite:///{database}")
    engine = make_engine(f"sqlite:///{database}", busy_timeout_seconds=0.2)
    migrate(engine)
    raw = SAMPLES[0].read_bytes()
    process_message(
        IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None),
        make_context(settings, engine, worker_id="t"),
    )
    locking = LocksTheDatabaseAfterSending(transport(smtp_server), database)
    unrecorded: list[SendOutcome] = []

    with pytest.raises(OperationalError, match="locked"):
        deliver_due(engine, locking, settings, unrecorded=unrecorded)
    assert len(smtp_server.messages) == 1 and len(unrecorded) == 1
    assert locking.holder is not None
    locking.holder.rollback()  # the database is back

    report = deliver_due(engine, transport(smtp_server), settings, unrecorded=unrecorded)
    (row,) = rows(engine, Notification)
    assert report.sent == [row.id] and row.status == "sent" and unrecorded == []
    assert len(smtp_server.messages) == 1
    engine.dispose()
