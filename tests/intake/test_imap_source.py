"""The IMAP source against a real Dovecot: UIDs not flags, each message once, faults survived."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from common.errors import MailboxError
from intake.sources.imap import ImapSource
from tests.intake.memory_ledger import MemoryLedger
from tests.intake.messages import plain

pytestmark = pytest.mark.imap


def source_for(server, *, folder: str = "INBOX", processed: str = "Processed") -> ImapSource:
    return ImapSource(
        host=server.host,
        port=server.port,
        security="none",
        username=server.user,
        password=server.password,
        folder=folder,
        processed_folder=processed,
        timeout=10,
    )


def raw(number: int) -> bytes:
    return plain(subject=f"message {number}", message_id=f"<m{number}@x>").as_bytes()


def append(server, folder: str, *numbers: int) -> list[int]:
    """Append the numbered messages; the UIDs they got (UIDs are never reused in a folder)."""
    before = set(server.list_uids(folder))
    for number in numbers:
        server.append(folder, raw(number))
    return sorted(set(server.list_uids(folder)) - before)


def take_all(source: ImapSource, ledger: MemoryLedger, **kwargs) -> list[int]:
    """Fetch and record every new message as the pipeline would; their UIDs."""
    uids = []
    for message in source.fetch_new(ledger, **kwargs):
        ledger.take(message)
        uids.append(message.uid)
    return uids


def test_fetching_never_sets_seen_and_reads_internaldate(imap_mailbox):
    moment = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    imap_mailbox.append("INBOX", raw(1), date=moment)
    source = source_for(imap_mailbox)
    (message,) = source.fetch_new(MemoryLedger())
    source.close()
    assert message.raw.endswith(raw(1).split(b"\n\n", 1)[1]) or b"message 1" in message.raw
    assert message.received_at == moment
    assert message.source_key == f"imap:INBOX:{message.uidvalidity}:{message.uid}"
    assert all(b"\\Seen" not in flags for flags in imap_mailbox.flags("INBOX").values())


def test_only_uids_above_the_ledger_are_fetched_even_when_the_server_returns_the_newest(
    imap_mailbox,
):
    uids = append(imap_mailbox, "INBOX", 1, 2, 3)
    source, ledger = source_for(imap_mailbox), MemoryLedger()
    assert take_all(source, ledger) == uids
    (gone,) = append(imap_mailbox, "INBOX", 4)
    with imap_mailbox.client() as other:  # UIDNEXT is now above the ledger, "UID n:*" answers
        other.select_folder("INBOX")  # with the newest message, which is already taken
        other.delete_messages([gone])
        other.expunge()
    assert take_all(source, ledger) == []
    newest = append(imap_mailbox, "INBOX", 5)
    assert take_all(source, ledger) == newest
    source.close()


def test_a_new_uidvalidity_takes_the_recreated_folder_again(imap_mailbox):
    imap_mailbox.create_folder("Applications")
    append(imap_mailbox, "Applications", 1, 2)
    source, ledger = source_for(imap_mailbox, folder="Applications"), MemoryLedger()
    old = list(source.fetch_new(ledger))
    for message in old:
        ledger.take(message)
    with imap_mailbox.client() as other:
        other.delete_folder("Applications")
        other.create_folder("Applications")
    append(imap_mailbox, "Applications", 3)
    (new,) = source.fetch_new(ledger)
    assert new.uidvalidity != old[0].uidvalidity and new.uid == 1
    assert b"message 3" in new.raw and new.source_key not in ledger.taken
    source.settle([(old[0], "processed")])  # a UID of the old folder: nothing is moved
    assert imap_mailbox.list_uids("Applications") == [1]
    source.close()


def test_settle_creates_the_missing_processed_folder(imap_mailbox):
    append(imap_mailbox, "INBOX", 1, 2)
    source = source_for(imap_mailbox, processed="Done 2025")
    first, second = source.fetch_new(MemoryLedger())
    source.settle([(first, "processed"), (second, "attention")])
    source.close()
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(imap_mailbox.list_uids("Done 2025")) == 1
    assert len(imap_mailbox.list_uids("Needs attention")) == 1


def test_a_batch_moves_exactly_its_messages_in_few_commands(imap_mailbox, monkeypatch):
    uids = append(imap_mailbox, "INBOX", 1, 2, 3, 4, 5, 6, 7)
    monkeypatch.setattr("intake.sources.imap.UIDS_PER_COMMAND", 2)
    source = source_for(imap_mailbox)
    fetched = list(source.fetch_new(MemoryLedger()))
    client = source._live()
    commands: list[list[int]] = []
    real_move = client.move

    def counted_move(batch: list[int], target: str):
        commands.append(batch)
        return real_move(batch, target)

    monkeypatch.setattr(client, "move", counted_move)
    kept = {fetched[1].uid, fetched[4].uid}  # not in the batch: they stay in the inbox
    source.settle([(m, "processed") for m in fetched if m.uid not in kept])
    source.close()
    assert sorted(imap_mailbox.list_uids("INBOX")) == sorted(kept)
    assert len(imap_mailbox.list_uids("Processed")) == len(uids) - 2
    assert [len(batch) for batch in commands] == [2, 2, 1]


def test_without_move_a_batch_is_copied_and_expunged(imap_mailbox, monkeypatch):
    append(imap_mailbox, "INBOX", 1, 2, 3)
    source = source_for(imap_mailbox)
    first, second, third = source.fetch_new(MemoryLedger())
    client = source._live()
    offered = client.has_capability
    monkeypatch.setattr(client, "has_capability", lambda name: name != "MOVE" and offered(name))
    source.settle([(first, "processed"), (third, "attention")])
    source.close()
    assert imap_mailbox.list_uids("INBOX") == [second.uid]
    assert len(imap_mailbox.list_uids("Processed")) == 1
    assert len(imap_mailbox.list_uids("Needs attention")) == 1


def test_a_message_deleted_by_someone_else_mid_batch_is_skipped(imap_mailbox):
    one, two, three = append(imap_mailbox, "INBOX", 1, 2, 3)
    source = source_for(imap_mailbox)
    fetched = source.fetch_new(MemoryLedger(), batch_size=1)
    first = next(fetched)
    with imap_mailbox.client() as other:
        other.select_folder("INBOX")
        other.delete_messages([two])
        other.expunge()
    rest = list(fetched)
    source.close()
    assert [first.uid, *(m.uid for m in rest)] == [one, three]


def proxied_source(server, proxy) -> ImapSource:
    return ImapSource(
        host=proxy.host,
        port=proxy.port,
        security="none",
        username=server.user,
        password=server.password,
        timeout=10,
    )


def test_a_poll_while_the_server_is_down_fails_cleanly_and_the_next_one_works(imap_mailbox):
    source, ledger = source_for(imap_mailbox), MemoryLedger()
    imap_mailbox.stop()
    try:
        with pytest.raises(MailboxError):
            take_all(source, ledger)
    finally:
        imap_mailbox.start()
    first = append(imap_mailbox, "INBOX", 1)
    assert take_all(source, ledger) == first
    source.close()


def test_the_next_poll_after_a_server_restart_reconnects(imap_mailbox, tcp_proxy):
    first = append(imap_mailbox, "INBOX", 1)
    source, ledger = proxied_source(imap_mailbox, tcp_proxy), MemoryLedger()
    assert take_all(source, ledger) == first
    imap_mailbox.stop()
    tcp_proxy.cut()
    imap_mailbox.start()
    second = append(imap_mailbox, "INBOX", 2)
    assert take_all(source, ledger) == second  # no poll is lost to the dead connection
    source.close()


def test_wait_for_new_returns_when_another_connection_appends(imap_mailbox):
    source = source_for(imap_mailbox)
    assert source.offers_idle()
    # A first short round notes the message count, as the worker's watcher does: mail that
    # arrives before the second round's EXAMINE is then seen by the count, not lost to IDLE.
    assert source.wait_for_new(timeout=0.1) is False
    timer = threading.Timer(0.5, append, args=(imap_mailbox, "INBOX", 1))
    timer.start()
    try:
        assert source.wait_for_new(timeout=15) is True
    finally:
        timer.join()
    assert take_all(source, MemoryLedger()) == imap_mailbox.list_uids("INBOX")
    assert source.wait_for_new(timeout=0.3) is False
    source.close()
