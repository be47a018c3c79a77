"""Settings and workers for the benchmarks: the product's own configuration pointed at the
benchmark's servers."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine

from bench.servers import Dovecot, SmtpSink
from common.settings import Settings
from intake.sources.imap import ImapSource
from intake.worker import Worker
from notifications.transport import SmtpTransport

PASSWORD_ENV = "MPP_BENCH_IMAP_PASSWORD"


def bench_settings(
    folder: Path, url: str, server: Dovecot, sink: SmtpSink, **overrides: dict
) -> Settings:
    """Settings of a worker on the benchmark's mailbox, database and SMTP server."""
    os.environ[PASSWORD_ENV] = server.password
    settings = Settings().with_overrides(
        database={"url": url},
        storage={"path": str(folder / "data")},
        mailbox={
            "source": "imap",
            "host": server.host,
            "port": server.port,
            "security": "none",
            "username": server.user,
            "password_env": PASSWORD_ENV,
            "timeout_seconds": 30.0,
        },
        notifications={
            "transport": "smtp",
            "smtp_host": sink.host,
            "smtp_port": sink.port,
            "smtp_security": "none",
            "max_replies_per_sender_per_day": 1000,
        },
    )
    return settings.with_overrides(**overrides) if overrides else settings


def make_worker(
    settings: Settings, engine: Engine, server: Dovecot, sink: SmtpSink, *, worker_id: str
) -> Worker:
    source = ImapSource(
        host=server.host,
        port=server.port,
        security="none",
        username=server.user,
        password=server.password,
        timeout=30.0,
    )
    transport = SmtpTransport(
        host=sink.host, port=sink.port, security="none", username="", password="", timeout=30
    )
    return Worker(settings, engine, worker_id=worker_id, source=source, transport=transport)
