"""IMAP faults against a real Dovecot: cuts, restarts, a new UIDVALIDITY, missing folders,
messages deleted by someone else. Nothing is lost and nothing is taken twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from db.models import Application, MailMessage, Notification
from intake.model import IncomingMessage, Ledger
from tests.faults.checks import assert_each_once, make_worker
from tests.faults.mail_factory import generate
from tests.faults.mailbox_tools import append_many, delete_uids, message_ids
from tests.faults.parts import imap_source
from tests.faults.proxy import FaultProxy
from tests.pipeline.helpers import rows

pytestmark = pytest.mark.imap


class InterruptedSource:
    """The real IMAP source; ``interrupt`` runs once, after the ``after``-th message is yielded
    and before that message is processed."""

    def __init__(self, source, *, after: int, interrupt: Callable[[], None]) -> None:
        self.source, self.after, self.interrupt = source, after, interrupt
        self.done = False

    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        for index, message in enumerate(self.source.fetch_new(ledger, batch_size=batch_size), 1):
            if index == self.after and not self.done:
                self.done = True
                self.interrupt()
            yield message

    def settle(self, moves) -> None:
        self.source.settle(moves)

    def close(self) -> None:
        self.source.close()


def test_a_connection_cut_in_the_middle_of_a_fetch(tmp_path, sqlite_url, imap_mailbox, smtp_server):
    mails = generate(12, seed=11)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    first_batch = sum(len(mail.raw) for mail in mails[:4])
    proxy = FaultProxy(imap_mailbox.host, imap_mailbox.port)
    proxy.cut_after(first_batch + 60_000)  # in the second batch's FETCH
    source = imap_source(imap_mailbox, port=proxy.port)
    worker = make_worker(tmp_path, sqlite_url, source, smtp_server, batch_size=4)
    try:
        cut, _ = worker.run_once()
        assert cut.error is not None and "FETCH" in cut.error
        assert 0 < len(cut.results) < len(mails)
        after, _ = worker.run_once()  # reconnects through the same proxy
    finally:
        proxy.close()
    assert after.error is None
    assert_each_once(worker, imap_mailbox, mails, smtp_server)


def test_dovecot_restarted_in_the_middle_of_a_poll(tmp_path, sqlite_url, imap_mailbox, smtp_server):
    mails = generate(10, seed=12)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    proxy = FaultProxy(imap_mailbox.host, imap_mailbox.port)

    def restart_begins() -> None:  # the server stops, and its connections with it
        imap_mailbox.stop()
        proxy.cut()

    real = imap_source(imap_mailbox, port=proxy.port)
    source = InterruptedSource(real, after=4, interrupt=restart_begins)
    worker = make_worker(tmp_path, sqlite_url, source, smtp_server, batch_size=3)
    try:
        down, _ = worker.run_once()
        again, _ = worker.run_once()
    finally:
        imap_mailbox.start()
    assert down.error is not None and again.error is not None  # the server is away
    assert 4 <= len(down.results) < len(mails)  # the batch in hand was still recorded
    back, _ = worker.run_once()
    proxy.close()
    assert back.error is None
    assert_each_once(worker, imap_mailbox, mails, smtp_server)


def recreate_folder(server, folder: str, raws: list[bytes]) -> None:
    """Someone deletes the folder and makes it again: a new UIDVALIDITY, UIDs from 1."""
    with server.client() as client:
        client.delete_folder(folder)
        client.create_folder(folder)
    append_many(server, folder, raws)


def test_a_new_uidvalidity_takes_every_message_once_and_moves_no_wrong_one(
    tmp_path, sqlite_url, imap_mailbox, smtp_server
):
    folder = "Applications"
    old, new = generate(6, seed=13), generate(5, seed=14)
    append_many(imap_mailbox, folder, (mail.raw for mail in old[:3]))
    source = imap_source(imap_mailbox, folder=folder)
    worker = make_worker(tmp_path, sqlite_url, source, smtp_server, folder=folder)
    assert worker.run_once()[0].error is None
    append_many(imap_mailbox, folder, (mail.raw for mail in old[3:]))

    # Made again after the next batch (UIDs 4 to 6) was fetched and before any of it is
    # moved: those UIDs now name other messages, which must not be moved blindly.
    repeat = old[0]  # sent again by its applicant: recorded as a duplicate, not answered twice
    raws = [mail.raw for mail in new] + [repeat.raw]
    worker.source = InterruptedSource(
        source, after=1, interrupt=lambda: recreate_folder(imap_mailbox, folder, raws)
    )
    worker.run_once()
    worker.source = source
    worker.run_once()
    last, _ = worker.run_once()

    assert last.error is None
    messages = rows(worker.engine, MailMessage)
    assert len({m.source_key for m in messages}) == len(messages)
    recorded = Counter(m.message_id for m in messages)
    assert recorded == Counter(mail.message_id for mail in [*old, *new, repeat])
    assert [m.state for m in messages if m.message_id == repeat.message_id] == ["done", "duplicate"]
    assert imap_mailbox.list_uids(folder) == []
    moved = Counter(message_ids(imap_mailbox, "Processed"))
    assert moved == Counter(mail.message_id for mail in [*old[:3], *new, repeat])
    replies = rows(worker.engine, Notification)
    assert len(replies) == len({n.in_reply_to for n in replies}) == len(old) + len(new)


def delete_folder(server, folder: str) -> None:
    with server.client() as client:
        client.delete_folder(folder)


def test_a_missing_processed_folder_is_made_again(tmp_path, sqlite_url, imap_mailbox, smtp_server):
    first, later = generate(3, seed=15), generate(4, seed=16)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in first))
    source = imap_source(imap_mailbox)
    worker = make_worker(tmp_path, sqlite_url, source, smtp_server)
    assert worker.run_once()[0].error is None
    delete_folder(imap_mailbox, "Processed")  # gone before the poll, and again during it
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in later))
    worker.source = InterruptedSource(
        source, after=2, interrupt=lambda: delete_folder(imap_mailbox, "Processed")
    )
    poll, _ = worker.run_once()
    assert poll.error is None and len(poll.results) == len(later)
    assert imap_mailbox.list_uids("INBOX") == []
    # The second deletion took the first message moved in this poll with it.
    assert sorted(message_ids(imap_mailbox, "Processed")) == sorted(
        mail.message_id for mail in later[1:]
    )
    messages = rows(worker.engine, MailMessage)
    assert len(messages) == len(first) + len(later) and all(m.settled for m in messages)


def test_messages_deleted_by_someone_else_in_the_middle_of_a_batch(
    tmp_path, sqlite_url, imap_mailbox, smtp_server
):
    mails = generate(8, seed=17)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    uids = imap_mailbox.list_uids("INBOX")
    # After the first message: the third (already fetched) and the sixth (in the next
    # batch, not yet fetched) are deleted by a person.
    source = InterruptedSource(
        imap_source(imap_mailbox),
        after=1,
        interrupt=lambda: delete_uids(imap_mailbox, "INBOX", [uids[2], uids[5]]),
    )
    worker = make_worker(tmp_path, sqlite_url, source, smtp_server, batch_size=4)
    poll, _ = worker.run_once()

    assert poll.error is None and len(poll.results) == 7
    kept = [mail for index, mail in enumerate(mails) if index != 5]
    messages = rows(worker.engine, MailMessage)
    assert sorted(m.message_id for m in messages) == sorted(mail.message_id for mail in kept)
    assert {m.state for m in messages} == {"done"} and all(m.settled for m in messages)
    assert imap_mailbox.list_uids("INBOX") == []
    moved = sorted(mail.message_id for index, mail in enumerate(mails) if index not in {2, 5})
    assert sorted(message_ids(imap_mailbox, "Processed")) == moved
    assert len(smtp_server.messages) == len(rows(worker.engine, Application)) == len(kept)


def test_a_processed_folder_that_cannot_be_made_holds_up_no_new_mail(
    tmp_path, sqlite_url, imap_mailbox, smtp_server
):
    first, later = generate(3, seed=18), generate(2, seed=19)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in first))
    broken = imap_source(imap_mailbox, processed_folder="Done/2025")  # "/" is refused
    worker = make_worker(tmp_path, sqlite_url, broken, smtp_server)
    worker.run_once()
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in later))
    poll, _ = worker.run_once()

    assert poll.error is not None and "CREATE" in poll.error  # visible on the heartbeat
    assert len(poll.results) == len(later)  # new mail is still taken, once
    assert len(imap_mailbox.list_uids("INBOX")) == len(first) + len(later)
    assert len(smtp_server.messages) == len(first) + len(later)
    worker.source = imap_source(imap_mailbox)  # the setting is put right
    fixed, _ = worker.run_once()
    assert fixed.error is None and fixed.results == []
    assert_each_once(worker, imap_mailbox, first + later, smtp_server)
