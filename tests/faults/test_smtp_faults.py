"""SMTP faults against a real aiosmtpd server: temporary refusals are retried with backoff,
permanent ones are marked failed for staff, and a server that is down only delays replies."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest

from common.clock import utcnow
from db.models import Notification
from db.session import make_engine, migrate
from intake.worker import Worker
from tests.faults.mail_factory import generate
from tests.faults.mailbox_tools import append_many
from tests.faults.parts import imap_settings, imap_source, smtp_transport
from tests.pipeline.helpers import rows

pytestmark = pytest.mark.imap

BASE = 0.5  # retry_base_seconds: backoff is 0.5 s, 1 s, 2 s ...


@pytest.fixture
def worker_for(tmp_path, imap_mailbox, restartable_smtp):
    """A worker on Dovecot and the restartable SMTP server, with the given database URL."""
    made: list[Worker] = []

    def make(url: str, count: int) -> Worker:
        engine = make_engine(url)
        migrate(engine)
        append_many(imap_mailbox, "INBOX", (mail.raw for mail in generate(count, seed=21)))
        settings = imap_settings(tmp_path, url, notifications={"retry_base_seconds": BASE})
        worker = Worker(
            settings,
            engine,
            worker_id="w",
            source=imap_source(imap_mailbox),
            transport=smtp_transport(restartable_smtp, timeout=3),
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.engine.dispose()


def received(smtp) -> Counter:
    return Counter(str(got.message["Message-ID"]) for got in smtp.recorder.messages)


def wait_until_due(engine) -> None:
    due = max(n.next_attempt_at for n in rows(engine, Notification) if n.status == "pending")
    time.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.05)


def test_a_4xx_answer_is_retried_with_backoff_then_sent_once(
    worker_for, sqlite_url, restartable_smtp
):
    worker = worker_for(sqlite_url, 3)
    restartable_smtp.recorder.fail_next(451)
    worker.poll_once()
    first = worker.deliver_once()  # one round: the retry cannot come due within it
    assert len(first.sent) == 2 and len(first.retrying) == 1
    (waiting,) = [n for n in rows(worker.engine, Notification) if n.status == "pending"]
    assert waiting.attempts == 1 and "451" in (waiting.last_error or "")
    assert waiting.next_attempt_at > utcnow()
    assert worker.deliver_once().sent == []  # not due yet: nothing is hammered

    restartable_smtp.recorder.fail_next(421)  # refused again: the wait doubles
    wait_until_due(worker.engine)
    before = utcnow()
    assert worker.deliver_once().retrying == [waiting.id]
    again = next(n for n in rows(worker.engine, Notification) if n.id == waiting.id)
    assert again.attempts == 2
    assert again.next_attempt_at - before >= timedelta(seconds=2 * BASE * 0.9)

    wait_until_due(worker.engine)
    assert worker.deliver_once().sent == [waiting.id]
    replies = rows(worker.engine, Notification)
    assert {n.status for n in replies} == {"sent"}
    assert received(restartable_smtp) == Counter({n.message_id_header: 1 for n in replies})


def test_a_5xx_answer_marks_the_reply_failed_with_its_error(
    worker_for, sqlite_url, restartable_smtp
):
    worker = worker_for(sqlite_url, 3)
    restartable_smtp.recorder.fail_next(550)
    _, delivery = worker.run_once()
    assert len(delivery.sent) == 2 and len(delivery.failed) == 1
    (failed,) = [n for n in rows(worker.engine, Notification) if n.status == "failed"]
    assert failed.attempts == 1 and "550" in (failed.last_error or "")
    time.sleep(BASE * 2)
    assert worker.deliver_once().sent == []  # a permanent refusal is not retried
    assert failed.message_id_header not in received(restartable_smtp)
    assert len(restartable_smtp.recorder.messages) == 2


@pytest.mark.postgres
def test_replies_wait_while_the_smtp_server_is_down_then_go_out_once(
    worker_for, postgres_url, restartable_smtp
):
    worker = worker_for(postgres_url, 5)
    restartable_smtp.stop()
    poll, delivery = worker.run_once()
    assert poll.error is None and len(poll.results) == 5
    replies = rows(worker.engine, Notification)
    # tried while the poll went on (a reply may come due again before it ends), none sent
    assert set(delivery.retrying) == {n.id for n in replies} and delivery.sent == []
    for _ in range(2):  # down for a while: several attempts, none given up
        wait_until_due(worker.engine)
        assert len(worker.deliver_once().retrying) == 5
    replies = rows(worker.engine, Notification)
    assert {n.status for n in replies} == {"pending"} and min(n.attempts for n in replies) >= 3
    assert all("unreachable" in (n.last_error or "") for n in replies)

    restartable_smtp.start()
    wait_until_due(worker.engine)
    assert len(worker.deliver_once().sent) == 5
    assert worker.deliver_once().sent == []
    replies = rows(worker.engine, Notification)
    assert {n.status for n in replies} == {"sent"}
    assert received(restartable_smtp) == Counter({n.message_id_header: 1 for n in replies})
