"""Plain data passed between the mailbox sources, MIME reading and the pipeline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

Outcome = Literal["processed", "attention"]


@dataclass(frozen=True)
class IncomingMessage:
    """One raw message taken from a mailbox, not yet parsed.

    ``source_key`` identifies it in its mailbox for the ledger: for IMAP
    ``imap:<folder>:<uidvalidity>:<uid>``, for Maildir ``maildir:<path>:<unique name>``.
    """

    source_key: str
    raw: bytes
    received_at: datetime | None  # IMAP INTERNALDATE; None: read it from the headers
    folder: str = ""
    uidvalidity: int | None = None
    uid: int | None = None


Move = tuple[IncomingMessage, Outcome]  # a finished message and the folder it goes to


@runtime_checkable
class Ledger(Protocol):
    """What a source asks the database: which messages are already taken."""

    def highest_uid(self, folder: str, uidvalidity: int) -> int:
        """The highest UID already taken in that folder and UIDVALIDITY (0 if none)."""
        ...

    def is_taken(self, source_key: str) -> bool:
        """Whether a message with this key is already recorded."""
        ...


@runtime_checkable
class MailboxSource(Protocol):
    """A mailbox the worker polls. Sources never decide whether a message is an application."""

    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        """Yield messages not yet taken, oldest first, without marking anything as read."""
        ...

    def settle(self, moves: Sequence[Move]) -> None:
        """After their outcomes are committed: move each message to the processed or attention
        folder, as few commands as the mailbox allows. Moving a message that is no longer in
        the inbox does nothing, so an interrupted batch can be moved again."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Attachment:
    """One file found in a message (also inside forwarded messages and .zip files).

    ``filename`` is decoded and made safe for display: no path, no control characters.
    ``origin`` tells where it was found, e.g. ``"forwarded: Re: form"`` or ``"zip: forms.zip"``.
    """

    filename: str
    content_type: str
    data: bytes
    sha256: str
    origin: str = ""
    inline: bool = False


@dataclass(frozen=True)
class ParsedMessage:
    """A message read with the modern email policy. ``defects`` lists what was broken."""

    message_id: str
    sender: str  # bare address, lower-case, "" when none can be read
    sender_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str
    date: datetime | None
    received_at: datetime | None  # newest Received: header date, else Date:
    body_text: str
    attachments: tuple[Attachment, ...]
    headers: dict[str, str] = field(default_factory=dict)  # selected headers, decoded, for rules
    defects: tuple[str, ...] = ()
    automatic_reason: str | None = None  # why this must not be answered (RFC 3834, bounce, ...)
    is_bounce_or_autoreply: bool = False  # not an application at all (auto-reply, DSN)
