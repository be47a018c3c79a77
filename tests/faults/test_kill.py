"""SIGKILL ``mpp run`` at seeded random moments while mail keeps arriving.

Afterwards every message is recorded once and moved once, and every application has its
reply at the SMTP server. The only duplicates allowed are replies the server accepted just
before a kill, before the worker could commit "sent": each such kill leaves its reply in
``sending``, so duplicates can never outnumber those kills.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.clock import utcnow
from db.models import Application, MailMessage, Notification
from tests.faults.mail_factory import Generated, generate
from tests.faults.mailbox_tools import append_many, message_ids
from tests.faults.worker_process import WorkerProcess, write_config
from tests.pipeline.helpers import REPO, rows

# A longer run: MPP_KILL_TEST_MESSAGES=1000 MPP_KILL_TEST_KILLS=100 pytest -m slow tests/faults
SEED = int(os.environ.get("MPP_KILL_TEST_SEED", "20250601"))
MESSAGES = int(os.environ.get("MPP_KILL_TEST_MESSAGES", "240"))
KILLS = int(os.environ.get("MPP_KILL_TEST_KILLS", "24"))  # a third of each kind
LEASE_SECONDS = 2

pytestmark = [pytest.mark.slow, pytest.mark.imap, pytest.mark.postgres]


def in_chunks(items: list[Generated], parts: int) -> list[list[Generated]]:
    """``parts`` consecutive slices of nearly equal size."""
    total = len(items)
    return [items[total * i // parts : total * (i + 1) // parts] for i in range(parts)]


def finished(engine: Engine, server, expected: int) -> bool:
    if server.list_uids("INBOX"):
        return False
    messages = rows(engine, MailMessage)
    if len(messages) < expected or any(m.state == "claimed" or not m.settled for m in messages):
        return False
    return all(n.status in {"sent", "failed", "draft"} for n in rows(engine, Notification))


def wait_until_finished(engine: Engine, server, expected: int, timeout: float = 150.0) -> None:
    deadline = time.monotonic() + timeout
    while not finished(engine, server, expected):
        assert time.monotonic() < deadline, "the worker did not finish the mailbox in time"
        time.sleep(0.5)


def wait_for(condition, timeout: float = 15.0) -> None:
    """Until ``condition()`` holds (or the timeout: the kill then lands wherever it lands)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def sends_a_reply(engine: Engine, since: datetime) -> bool:
    """Whether a reply claimed since ``since`` is being sent (claimed, not yet recorded)."""
    with Session(engine) as session:
        found = session.exec(
            select(Notification.id).where(
                Notification.status == "sending", Notification.claimed_at >= since
            )
        ).first()
    return found is not None


def holds_a_claim(engine: Engine, worker_id: str) -> bool:
    with Session(engine) as session:
        found = session.exec(
            select(MailMessage.id).where(
                MailMessage.claimed_by == worker_id, MailMessage.state == "claimed"
            )
        ).first()
    return found is not None


@dataclass
class Interrupted:
    """What the kills cut short, read from the database after each one."""

    kills: int = 0
    mid_message: int = 0  # the killed worker held a claim on a message
    mid_send: int = 0  # a reply it had claimed was still ``sending``


def life_ends(worker: WorkerProcess, engine: Engine, since: datetime, rng: random.Random) -> None:
    """Kill in turn: at any moment after the start; while a message is being processed;
    while a reply is being sent (a window of milliseconds, so it is watched for)."""
    kind = worker.starts % 3
    if kind == 1:
        time.sleep(rng.uniform(0.3, 5.0))
    elif kind == 2:
        worker_id = worker_id_of(worker.pid)
        wait_for(lambda: holds_a_claim(engine, worker_id))
        time.sleep(rng.uniform(0.0, 0.1))
    else:  # the backlog is processed first: wait longer
        wait_for(lambda: sends_a_reply(engine, since), timeout=60.0)
    worker.kill()


def worker_id_of(pid: int) -> str:
    """The worker id ``mpp run`` gives itself."""
    return f"{socket.gethostname()}:{pid}"


def count_interrupted(engine: Engine, worker_id: str, since: datetime, into: Interrupted) -> None:
    claims = [m for m in rows(engine, MailMessage) if m.state == "claimed"]
    sending = [n for n in rows(engine, Notification) if n.status == "sending"]
    into.kills += 1
    into.mid_message += any(m.claimed_by == worker_id for m in claims)
    into.mid_send += any(n.claimed_at and n.claimed_at >= since for n in sending)


def kill_repeatedly(worker, engine: Engine, server, chunks, rng) -> Interrupted:
    """One chunk of mail arrives before each start; each life but the last ends in SIGKILL."""
    interrupted = Interrupted()
    for chunk in chunks[:-1]:
        append_many(server, "INBOX", (mail.raw for mail in chunk))
        since = utcnow()
        worker.start()
        worker_id = worker_id_of(worker.pid)
        life_ends(worker, engine, since, rng)
        count_interrupted(engine, worker_id, since, interrupted)
    append_many(server, "INBOX", (mail.raw for mail in chunks[-1]))
    return interrupted


def test_sigkill_at_random_moments_loses_nothing_and_takes_nothing_twice(
    tmp_path, pg_engine, postgres_url, imap_mailbox, smtp_server
):
    mails = generate(MESSAGES, seed=SEED)
    config = write_config(
        tmp_path / "config.toml",
        database_url=postgres_url,
        imap=imap_mailbox,
        smtp=smtp_server,
        lease_seconds=LEASE_SECONDS,
    )
    worker = WorkerProcess(config, tmp_path / "worker.log", imap_mailbox.password)
    started = time.monotonic()
    try:
        chunks = in_chunks(mails, KILLS + 1)
        rng = random.Random(SEED)
        interrupted = kill_repeatedly(worker, pg_engine, imap_mailbox, chunks, rng)
        worker.start()
        wait_until_finished(pg_engine, imap_mailbox, len(mails))
        assert worker.stop() == 0
    finally:
        worker.kill()
    figures = check_outcome(pg_engine, imap_mailbox, smtp_server, mails)
    figures |= asdict(interrupted) | {
        "messages": len(mails),
        "seconds": round(time.monotonic() - started),
    }
    report(figures)
    assert interrupted.kills >= 20
    assert interrupted.mid_message > 0 and interrupted.mid_send > 0
    assert figures["duplicate_replies"] <= interrupted.mid_send


def check_outcome(engine: Engine, server, smtp_server, mails: list[Generated]) -> dict:
    expected_ids = sorted(mail.message_id for mail in mails)
    messages = rows(engine, MailMessage)
    assert len(messages) == len(mails)
    assert len({m.source_key for m in messages}) == len(mails)
    assert sorted(m.message_id for m in messages) == expected_ids
    assert {m.state for m in messages} == {"done"}
    assert server.list_uids("INBOX") == []
    assert sorted(message_ids(server, "Processed")) == expected_ids
    assert message_ids(server, "Needs attention") == []

    applications = rows(engine, Application)
    replies = [n for n in rows(engine, Notification) if n.status != "draft"]
    received = Counter(str(got.message["Message-ID"]) for got in smtp_server.messages)
    assert {n.status for n in replies} == {"sent"}
    assert {n.application_id for n in replies} == {a.id for a in applications}
    assert set(received) == {n.message_id_header for n in replies}
    return {
        "applications": len(applications),
        "replies": len(replies),
        "replies_received": sum(received.values()),
        "duplicate_replies": sum(count - 1 for count in received.values()),
    }


def report(figures: dict) -> None:
    print("\nkill test:", json.dumps(figures, sort_keys=True))
    folder = REPO / "test-artifacts" / "faults"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kill_test.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
