"""Two workers on one mailbox and one PostgreSQL database: the unique claim decides.

Both may fetch the same UID; the one whose claim loses skips it and never moves it. A
worker that stalls past its lease loses its message to the other and must not record it
a second time. A message is moved by the worker that recorded it, or, if that worker died
before moving it, by another once its lease has run out.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from db.models import Application, MailMessage, Notification
from db.session import make_engine
from intake.worker import Worker
from tests.faults.checks import HookedStore
from tests.faults.mail_factory import generate
from tests.faults.mailbox_tools import append_many, message_ids
from tests.faults.parts import RecordingSource, imap_settings, smtp_transport
from tests.pipeline.helpers import SAMPLES, rows

pytestmark = [pytest.mark.imap, pytest.mark.postgres]


def run_until_empty(worker: Worker, server, start: threading.Barrier, results: list) -> None:
    start.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        poll, _ = worker.run_once()
        results.extend(poll.results)
        if not server.list_uids("INBOX") and not poll.results:
            return


def test_two_workers_take_each_message_once_and_move_only_their_own(
    tmp_path, pg_engine, postgres_url, imap_mailbox, smtp_server
):
    mails = generate(40, seed=7)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    settings = imap_settings(tmp_path, postgres_url)
    moves: list[tuple[str, str]] = []
    engines = [pg_engine, make_engine(postgres_url)]
    workers = [
        Worker(
            settings,
            engine,
            worker_id=name,
            source=RecordingSource(imap_mailbox, owner=name, moves=moves),
            transport=smtp_transport(smtp_server),
        )
        for name, engine in zip(["w1", "w2"], engines, strict=True)
    ]
    start = threading.Barrier(2)
    results: list = []
    threads = [
        threading.Thread(target=run_until_empty, args=(w, imap_mailbox, start, results))
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    engines[1].dispose()

    messages = rows(pg_engine, MailMessage)
    owner = {m.source_key: m.claimed_by for m in messages}
    assert len(messages) == len(mails) == len(owner)
    assert sorted(m.message_id for m in messages) == sorted(mail.message_id for mail in mails)
    assert {m.state for m in messages} == {"done"} and all(m.settled for m in messages)
    assert set(owner.values()) == {"w1", "w2"}  # both did part of the work
    assert all(owner[key] == mover for mover, key in moves), "moved by the worker that lost"
    assert Counter(key for _, key in moves) == Counter(owner.keys())  # each moved once
    assert imap_mailbox.list_uids("INBOX") == []
    assert sorted(message_ids(imap_mailbox, "Processed")) == sorted(m.message_id for m in mails)
    recorded = [r for r in results if r.outcome != "skipped"]
    assert Counter(r.source_key for r in recorded) == Counter(owner.keys())
    replies = [n for n in rows(pg_engine, Notification) if n.status != "draft"]
    assert {n.status for n in replies} == {"sent"}
    assert len(smtp_server.messages) == len(replies) == len(rows(pg_engine, Application))


def test_a_worker_stalled_past_its_lease_does_not_record_the_message_again(
    tmp_path, pg_engine, postgres_url, imap_mailbox, smtp_server
):
    append_many(imap_mailbox, "INBOX", [SAMPLES[0].read_bytes()])
    settings = imap_settings(tmp_path, postgres_url, mailbox={"claim_lease_seconds": 1})
    moves: list[tuple[str, str]] = []
    second_engine = make_engine(postgres_url)
    stalled, healthy = (
        Worker(
            settings,
            engine,
            worker_id=name,
            source=RecordingSource(imap_mailbox, owner=name, moves=moves),
            transport=smtp_transport(smtp_server),
        )
        for name, engine in (("stalled", pg_engine), ("healthy", second_engine))
    )
    entered, release = threading.Event(), threading.Event()

    def disk_hangs() -> None:  # while the first attachment is written
        entered.set()
        release.wait(timeout=30)

    stalled.ctx.store = HookedStore(settings.storage.path, nth=1, hook=disk_hangs)
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(stalled.run_once()))
    thread.start()
    assert entered.wait(timeout=30)  # claimed, now stuck writing an attachment
    time.sleep(1.5)  # its lease runs out
    taken_over, _ = healthy.run_once()
    release.set()
    thread.join(timeout=30)
    second_engine.dispose()

    assert [r.outcome for r in taken_over.results] == ["recorded"]
    ((stalled_poll, _),) = outcome
    assert [r.outcome for r in stalled_poll.results] == ["skipped"]
    assert [m.claimed_by for m in rows(pg_engine, MailMessage)] == ["healthy"]
    assert len(rows(pg_engine, Application)) == 1
    assert [mover for mover, _ in moves] == ["healthy"]
    assert len(message_ids(imap_mailbox, "Processed")) == 1
    assert len(smtp_server.messages) == 1


class StallingMoves(RecordingSource):
    """A connection that hangs on the first move until the test lets it go."""

    def __init__(self, server, *, owner: str, moves: list[tuple[str, str]]) -> None:
        super().__init__(server, owner=owner, moves=moves)
        self.entered, self.release = threading.Event(), threading.Event()

    def settle(self, moves) -> None:
        self.entered.set()
        self.release.wait(timeout=30)
        super().settle(moves)


def two_workers(tmp_path, postgres_url, engine, server, smtp_server, *, lease: int):
    settings = imap_settings(tmp_path, postgres_url, mailbox={"claim_lease_seconds": lease})
    moves: list[tuple[str, str]] = []
    first = Worker(
        settings,
        engine,
        worker_id="first",
        source=StallingMoves(server, owner="first", moves=moves),
        transport=smtp_transport(smtp_server),
    )
    second = Worker(
        settings,
        make_engine(postgres_url),
        worker_id="second",
        source=RecordingSource(server, owner="second", moves=moves),
        transport=smtp_transport(smtp_server),
    )
    return first, second, moves


def test_a_message_recorded_by_a_live_worker_is_left_for_it_to_move(
    tmp_path, pg_engine, postgres_url, imap_mailbox, smtp_server
):
    append_many(imap_mailbox, "INBOX", [SAMPLES[1].read_bytes()])
    first, second, moves = two_workers(
        tmp_path, postgres_url, pg_engine, imap_mailbox, smtp_server, lease=600
    )
    thread = threading.Thread(target=first.run_once)
    thread.start()
    assert first.source.entered.wait(timeout=30)  # recorded; its move is slow
    second.run_once()
    first.source.release.set()
    thread.join(timeout=30)
    second.engine.dispose()

    assert [mover for mover, _ in moves] == ["first"]
    assert [m.settled for m in rows(pg_engine, MailMessage)] == [True]
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(message_ids(imap_mailbox, "Processed")) == 1


def test_a_message_whose_worker_died_before_moving_it_is_moved_after_the_lease(
    tmp_path, pg_engine, postgres_url, imap_mailbox, smtp_server
):
    append_many(imap_mailbox, "INBOX", [SAMPLES[1].read_bytes()])
    first, second, moves = two_workers(
        tmp_path, postgres_url, pg_engine, imap_mailbox, smtp_server, lease=1
    )
    hung = threading.Thread(target=first.poll_once)
    hung.start()
    assert first.source.entered.wait(timeout=30)  # recorded, then the worker hangs
    started = time.monotonic()
    second.run_once()
    assert moves == [] and imap_mailbox.list_uids("INBOX") != []  # its lease still runs
    time.sleep(max(0.0, 1.2 - (time.monotonic() - started)))
    poll, _ = second.run_once()
    first.source.release.set()  # it wakes up: its late move finds nothing to move
    hung.join(timeout=30)
    second.engine.dispose()

    assert poll.error is None
    assert moves[0][0] == "second"
    assert [m.settled for m in rows(pg_engine, MailMessage)] == [True]
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(message_ids(imap_mailbox, "Processed")) == 1
    assert len(rows(pg_engine, Application)) == 1
