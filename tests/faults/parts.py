"""The real parts the fault tests assemble: IMAP sources, SMTP transports, settings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from common.settings import Settings
from intake.model import Move
from intake.sources.imap import ImapSource
from notifications.transport import SmtpTransport
from tests.fixtures.dovecot import Dovecot
from tests.pipeline.helpers import make_settings


def imap_source(
    server: Dovecot,
    *,
    port: int | None = None,
    folder: str = "INBOX",
    processed_folder: str = "Processed",
) -> ImapSource:
    return ImapSource(
        host=server.host,
        port=port or server.port,
        security="none",
        username=server.user,
        password=server.password,
        folder=folder,
        processed_folder=processed_folder,
        timeout=10,
    )


def smtp_transport(smtp, *, timeout: float = 10) -> SmtpTransport:
    return SmtpTransport(
        host=smtp.host, port=smtp.port, security="none", username="", password="", timeout=timeout
    )


def imap_settings(tmp_path: Path, db_url: str, **overrides: dict) -> Settings:
    """Settings for a worker on IMAP that sends by SMTP, with short leases and retries."""
    mailbox = {"source": "imap", "batch_size": 5, "claim_lease_seconds": 600}
    notifications = {"transport": "smtp", "retry_base_seconds": 0.5, "max_attempts": 20}
    mailbox |= overrides.pop("mailbox", {})
    notifications |= overrides.pop("notifications", {})
    return make_settings(
        tmp_path, db_url, mailbox=mailbox, notifications=notifications, **overrides
    )


class RecordingSource(ImapSource):
    """The real IMAP source; it notes which worker asked to move which message."""

    def __init__(self, server: Dovecot, *, owner: str, moves: list[tuple[str, str]]) -> None:
        base = imap_source(server)
        super().__init__(
            host=base.host,
            port=base.port,
            security="none",
            username=base.username,
            password=base.password,
            timeout=base.timeout,
        )
        self.owner, self.moves = owner, moves

    def settle(self, moves: Sequence[Move]) -> None:
        self.moves.extend((self.owner, message.source_key) for message, _ in moves)
        super().settle(moves)
