"""The real servers a benchmark runs against: Dovecot (IMAP), aiosmtpd (SMTP) and a database
(a SQLite file, or a schema of its own on the local PostgreSQL).

Dovecot is started the way the tests start it (``tests.fixtures.dovecot``); a mailbox can be
filled over IMAP APPEND or, for very many messages, written straight into the Maildir that
Dovecot serves. The SMTP server runs in a process of its own (``bench.smtp_sink_process``),
like a real SMTP server, so that its work is not counted as the worker's; a thread here reads
what it receives into ``SmtpSink.replies``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import PIPE
from typing import IO

from sqlalchemy.engine import Engine

from db.session import make_engine, migrate
from tests.fixtures.database import postgres_schema
from tests.fixtures.dovecot import USER, Dovecot, running_dovecot
from tests.fixtures.net import free_port

ROOT = Path(__file__).resolve().parent.parent


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
    """Keeps the time, recipients and In-Reply-To of every message the SMTP server receives;
    ``arrived`` is notified on each."""

    host: str = "127.0.0.1"
    port: int = 0
    replies: list[Reply] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def read(self, lines: IO[str]) -> None:
        """Add a reply for each JSON line of the server, until its output ends."""
        for line in lines:
            record = json.loads(line)
            reply = Reply(
                float(record["received_at"]),
                [str(recipient) for recipient in record["recipients"]],
                str(record["in_reply_to"]),
            )
            with self.arrived:
                self.replies.append(reply)
                self.arrived.notify_all()


@contextlib.contextmanager
def smtp_sink(timeout: float = 10.0) -> Iterator[SmtpSink]:
    """An SMTP server on a loopback port, in a process of its own, and the sink of what it
    receives; the server is stopped on exit."""
    sink = SmtpSink(port=free_port())
    command = [sys.executable, "-m", "bench.smtp_sink_process", "--host", sink.host]
    command += ["--port", str(sink.port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (
        tempfile.TemporaryFile("w+") as errors,
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=PIPE, stdout=PIPE, stderr=errors, text=True
        ) as launcher,
    ):
        assert launcher.stdout is not None
        first = launcher.stdout.readline().strip()  # the server's process id
        launcher.wait()
        server_pid = int(first) if first.isdigit() else None
        reader = threading.Thread(
            target=sink.read, args=(launcher.stdout,), name="smtp-sink-reader", daemon=True
        )
        try:
            problem = _not_serving(sink, server_pid, timeout)
            if problem:
                errors.seek(0)
                raise RuntimeError(f"{problem}; its stderr:\n{errors.read()}")
            reader.start()
            yield sink
        finally:
            if server_pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(server_pid, signal.SIGTERM)
            if reader.is_alive():
                reader.join(timeout)  # it ends with the server's output


def _not_serving(sink: SmtpSink, server_pid: int | None, timeout: float) -> str | None:
    """None once the server greets a connection on its port; why not if it has ended, or
    after ``timeout`` seconds."""
    if server_pid is None:
        return "the SMTP sink process did not start"
    ends = time.monotonic() + timeout
    while True:
        with (
            contextlib.suppress(OSError),
            socket.create_connection((sink.host, sink.port), timeout=1.0) as connection,
        ):
            connection.recv(1024)  # its greeting
            return None
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return "the SMTP sink process ended"
        if time.monotonic() > ends:
            return f"the SMTP sink accepts no connection on port {sink.port} after {timeout} s"
        time.sleep(0.05)


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
