"""The real servers a benchmark runs against: Dovecot (IMAP), aiosmtpd (SMTP) and a database
(a SQLite file, or a schema of its own on the local PostgreSQL).

Dovecot is started the way the tests start it (``tests.fixtures.dovecot``); a mailbox can be
filled over IMAP APPEND or, for very many messages, written straight into the Maildir that
Dovecot serves.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from db.session import make_engine, migrate
from tests.fixtures.database import postgres_schema
from tests.fixtures.dovecot import USER, Dovecot, running_dovecot
from tests.fixtures.net import free_port


@contextlib.contextmanager
def dovecot() -> Iterator[Dovecot]:
    """A throwaway Dovecot on a loopback port with one user and an empty INBOX."""
    if shutil.which("dovecot") is None:
        raise RuntimeError("Dovecot is not installed (Debian package dovecot-imapd)")
    with running_dovecot("mpp-bench-dovecot-") as server:
        yield server


def append_all(server: Dovecot, messages: list[bytes], folder: str = "INBOX") -> None:
    """APPEND every message on one connection."""
    with server.client() as client:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for raw in messages:
            client.append(folder, raw)


def write_maildir(server: Dovecot, messages: list[bytes]) -> None:
    """Put messages straight into the user's INBOX Maildir, then let Dovecot index them
    (one SELECT); far faster than APPEND for thousands of messages."""
    with server.client() as client:  # makes the user's Maildir
        client.select_folder("INBOX")
    inbox = server.root / "mail" / USER
    stamp = int(time.time())
    for number, raw in enumerate(messages):
        path = inbox / "new" / f"{stamp}.M{number}P{os.getpid()}.bench"
        path.write_bytes(raw)
        shutil.chown(path, "nobody", "nogroup")
    with server.client() as client:
        client.select_folder("INBOX")


@dataclass
class Reply:
    received_at: float  # time.monotonic() when the SMTP DATA ended
    recipients: list[str]
    in_reply_to: str


@dataclass
class SmtpSink:
    """Keeps the time, recipients and In-Reply-To of every message it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    replies: list[Reply] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content: bytes = envelope.content  # type: ignore[attr-defined]
        head = content.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        in_reply_to = next(
            (
                line.split(":", 1)[1].strip()
                for line in head.splitlines()
                if line.lower().startswith("in-reply-to:")
            ),
            "",
        )
        with self.arrived:
            self.replies.append(
                Reply(time.monotonic(), list(envelope.rcpt_tos), in_reply_to)  # type: ignore[attr-defined]
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[tuple[str, Engine]]:
    """(url, migrated engine) of a fresh SQLite file or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'mpp.db'}"
        engine = make_engine(url)
        migrate(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()
        return
    with postgres_schema("bench") as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            yield url, engine
        finally:
            engine.dispose()
