"""Settings and workers for the benchmarks: the product's own configuration pointed at the
benchmark's servers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from bench.servers import Dovecot, SmtpSink
from common.settings import Settings
from intake.sources.imap import ImapSource
from intake.worker import Worker
from notifications.transport import SmtpTransport

PASSWORD_ENV = "MPP_BENCH_IMAP_PASSWORD"


@dataclass(frozen=True)
class Servers:
    """Where a worker finds the mailbox and the SMTP server (passed to worker processes)."""

    imap_host: str
    imap_port: int
    user: str
    password: str
    smtp_host: str
    smtp_port: int

    @classmethod
    def of(cls, imap: Dovecot, smtp: SmtpSink) -> Servers:
        return cls(imap.host, imap.port, imap.user, imap.password, smtp.host, smtp.port)


def bench_settings(folder: Path, url: str, servers: Servers, **overrides: dict) -> Settings:
    """Settings of a worker on the benchmark's mailbox, database and SMTP server."""
    os.environ[PASSWORD_ENV] = servers.password
    settings = Settings().with_overrides(
        database={"url": url},
        storage={"path": str(folder / "data")},
        mailbox={
            "source": "imap",
            "host": servers.imap_host,
            "port": servers.imap_port,
            "security": "none",
            "username": servers.user,
            "password_env": PASSWORD_ENV,
            "timeout_seconds": 30.0,
        },
        notifications={
            "transport": "smtp",
            "smtp_host": servers.smtp_host,
            "smtp_port": servers.smtp_port,
            "smtp_security": "none",
            "max_replies_per_sender_per_day": 1000,
        },
    )
    return settings.with_overrides(**overrides) if overrides else settings


def make_worker(
    settings: Settings, engine: Engine, servers: Servers, *, worker_id: str, **options: int
) -> Worker:
    source = ImapSource(
        host=servers.imap_host,
        port=servers.imap_port,
        security="none",
        username=servers.user,
        password=servers.password,
        timeout=30.0,
    )
    transport = SmtpTransport(
        host=servers.smtp_host,
        port=servers.smtp_port,
        security="none",
        username="",
        password="",
        timeout=30,
    )
    return Worker(
        settings, engine, worker_id=worker_id, source=source, transport=transport, **options
    )
