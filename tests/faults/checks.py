"""Shared set-up and checks of the fault tests: a worker on Dovecot, and "each mail once"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from db.models import Application, MailMessage, Notification
from db.session import make_engine, migrate
from intake.model import MailboxSource
from intake.storage import BlobStore
from intake.worker import Worker
from tests.faults.mail_factory import Generated
from tests.faults.mailbox_tools import message_ids
from tests.faults.parts import imap_settings, smtp_transport
from tests.pipeline.helpers import rows


def make_worker(tmp_path, url: str, source: MailboxSource, smtp_server, **mailbox) -> Worker:
    """A worker with its own migrated engine on ``url``, reading ``source``."""
    engine = make_engine(url)
    migrate(engine)
    settings = imap_settings(tmp_path, url, mailbox=mailbox)
    return Worker(
        settings, engine, worker_id="w", source=source, transport=smtp_transport(smtp_server)
    )


def assert_each_once(worker: Worker, server, mails: list[Generated], smtp_server) -> None:
    """Every mail recorded once, moved once, answered once; the inbox empty."""
    messages = rows(worker.engine, MailMessage)
    expected = sorted(mail.message_id for mail in mails)
    assert sorted(m.message_id for m in messages) == expected
    assert len({m.source_key for m in messages}) == len(messages)
    assert {m.state for m in messages} == {"done"} and all(m.settled for m in messages)
    assert server.list_uids("INBOX") == []
    assert sorted(message_ids(server, "Processed")) == expected
    replies = [n for n in rows(worker.engine, Notification) if n.status != "draft"]
    received = Counter(str(got.message["Message-ID"]) for got in smtp_server.messages)
    assert {n.status for n in replies} == {"sent"}
    assert received == Counter(n.message_id_header for n in replies)
    assert len(rows(worker.engine, Application)) == len(replies)


class HookedStore(BlobStore):
    """The real blob store; ``hook`` runs once, when the ``nth`` attachment is written, that
    is while a message is claimed and its outcome not yet committed."""

    def __init__(self, root: str, *, nth: int, hook: Callable[[], None]) -> None:
        super().__init__(root)
        self.left, self.hook = nth, hook

    def put(self, data: bytes, *, kind: str = "blobs") -> str:
        if kind == "blobs":
            self.left -= 1
            if self.left == 0:
                self.hook()
        return super().put(data, kind=kind)
