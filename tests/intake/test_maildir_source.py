"""The Maildir source: each message once, oldest first, moved aside only when settled."""

from __future__ import annotations

import mailbox
import os

from intake.model import Ledger, MailboxSource
from intake.sources.maildir import MaildirSource, iter_eml_paths
from tests.intake.memory_ledger import MemoryLedger
from tests.intake.messages import plain


def deliver(root, *subjects: str) -> list[str]:
    """Put messages in the Maildir's new/, each one second older than the next."""
    box = mailbox.Maildir(root, create=True)
    keys = []
    for number, subject in enumerate(subjects):
        key = box.add(plain(subject=subject, message_id=f"<m{number}@x>").as_bytes())
        os.utime(root / "new" / key, (1_000_000 + number, 1_000_000 + number))
        keys.append(key)
    return keys


def subjects(messages) -> list[str]:
    return [m.raw.split(b"Subject: ")[1].split(b"\n")[0].strip().decode() for m in messages]


def test_the_source_and_ledger_satisfy_the_protocols(tmp_path):
    assert isinstance(MaildirSource(tmp_path / "inbox"), MailboxSource)
    assert isinstance(MemoryLedger(), Ledger)


def test_fetch_yields_every_message_oldest_first_without_moving_it(tmp_path):
    root = tmp_path / "inbox"
    deliver(root, "first", "second", "third")
    source, ledger = MaildirSource(root), MemoryLedger()
    fetched = list(source.fetch_new(ledger))
    assert subjects(fetched) == ["first", "second", "third"]
    assert all(m.received_at is None and m.source_key.startswith("maildir:") for m in fetched)
    assert len(list((root / "new").iterdir())) == 3  # nothing moved or marked by a fetch
    assert subjects(source.fetch_new(ledger)) == ["first", "second", "third"]


def test_taken_messages_are_not_fetched_again(tmp_path):
    root = tmp_path / "inbox"
    deliver(root, "first", "second")
    source, ledger = MaildirSource(root), MemoryLedger()
    first = next(iter(source.fetch_new(ledger)))
    ledger.take(first)
    assert subjects(source.fetch_new(ledger)) == ["second"]


def test_settle_moves_to_processed_or_attention(tmp_path):
    root = tmp_path / "inbox"
    deliver(root, "good", "broken")
    source, ledger = MaildirSource(root), MemoryLedger()
    good, broken = source.fetch_new(ledger)
    source.settle([(good, "processed"), (broken, "attention")])
    assert list((root / "new").iterdir()) == []
    assert len(list((root / ".Processed" / "cur").iterdir())) == 1
    assert len(list((root / ".Attention" / "cur").iterdir())) == 1
    assert list(source.fetch_new(ledger)) == []


def test_a_message_read_by_a_person_in_cur_keeps_its_key(tmp_path):
    root = tmp_path / "inbox"
    (key,) = deliver(root, "read by staff")
    source = MaildirSource(root)
    before = next(iter(source.fetch_new(MemoryLedger())))
    os.replace(root / "new" / key, root / "cur" / f"{key}:2,S")
    after = next(iter(source.fetch_new(MemoryLedger())))
    assert before.source_key == after.source_key
    source.settle([(after, "processed")])
    assert [p.name for p in (root / ".Processed" / "cur").iterdir()] == [f"{key}:2,S"]


def test_settling_twice_or_after_someone_moved_it_is_harmless(tmp_path):
    root = tmp_path / "inbox"
    deliver(root, "once")
    source = MaildirSource(root)
    (message,) = source.fetch_new(MemoryLedger())
    source.settle([(message, "processed")])
    source.settle([(message, "processed")])
    assert len(list((root / ".Processed" / "cur").iterdir())) == 1


def test_a_message_removed_between_listing_and_reading_is_skipped(tmp_path):
    root = tmp_path / "inbox"
    first_key, _ = deliver(root, "vanishes", "stays")
    source = MaildirSource(root)
    fetched = source.fetch_new(MemoryLedger())
    (root / "new" / first_key).unlink()
    assert subjects(fetched) == ["stays"]


def test_an_oversized_message_is_cut_to_the_limit(tmp_path):
    root = tmp_path / "inbox"
    deliver(root, "big " + "x" * 5000)
    (message,) = MaildirSource(root, max_bytes=1000).fetch_new(MemoryLedger())
    assert len(message.raw) == 1000


def test_a_missing_maildir_is_created(tmp_path):
    root = tmp_path / "deep" / "er" / "inbox"
    assert list(MaildirSource(root).fetch_new(MemoryLedger())) == []
    assert (root / "new").is_dir() and (root / "cur").is_dir()


def test_ingest_paths_expand_files_folders_and_maildirs(tmp_path):
    deliver(tmp_path / "box", "a", "b")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.eml").write_bytes(b"x")
    (folder / "skip.pdf").write_bytes(b"x")
    single = tmp_path / "single.txt"
    single.write_bytes(b"x")
    found = list(iter_eml_paths([tmp_path / "box", folder, single]))
    assert len(found) == 4 and found[2].name == "one.eml" and found[3] == single
