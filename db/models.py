"""The tables. Current values live on ``Application``; what the parser read, every finding
ever made and every change are kept beside it, so staff can see how a decision came about."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from common.clock import utcnow
from db.types import UtcDateTime


def _json(default: Any = None) -> Any:
    return Field(
        default_factory=lambda: default() if callable(default) else default,
        sa_column=Column(JSON, nullable=True),
    )


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UtcDateTime, **kwargs)


class MailMessage(SQLModel, table=True):
    """One message taken from the mailbox. ``source_key`` is the claim: unique per message."""

    __tablename__ = "mail_message"
    __table_args__ = (  # the lookups made for every message (migration 0005 says why)
        Index("ix_mail_message_same_bytes", "raw_sha256", "state"),
        Index("ix_mail_message_same_id", "message_id", "sender", "state"),
        Index("ix_mail_message_mailbox_uid", "folder", "uidvalidity", "uid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(unique=True, max_length=512)
    folder: str = Field(default="", max_length=255)
    uidvalidity: int | None = Field(default=None, index=True)
    uid: int | None = None
    raw_sha256: str = Field(max_length=64)
    raw_size: int = 0
    state: str = Field(default="claimed", max_length=16, index=True)  # claimed|done|failed
    claimed_by: str = Field(default="", max_length=128)
    claimed_at: datetime = _when(default_factory=utcnow)
    message_id: str = Field(default="", max_length=998)
    sender: str = Field(default="", max_length=320, index=True)
    sender_name: str = Field(default="", max_length=512)
    subject: str = Field(default="", sa_column=Column(Text))
    received_at: datetime | None = _when(default=None)
    body_text: str = Field(default="", sa_column=Column(Text))
    recipients: list[str] = _json(list)
    defects: list[str] = _json(list)
    is_automatic: bool = False  # an auto-reply or bounce: recorded, not an application
    never_answer_reason: str | None = Field(default=None, max_length=512)
    error: str | None = Field(default=None, sa_column=Column(Text))
    settled: bool = False  # moved to the processed/attention folder
    created_at: datetime = _when(default_factory=utcnow)


class Application(SQLModel, table=True):
    """One National Authority's submission, with the current value of every field."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=64)
    mail_message_id: int = Field(foreign_key="mail_message.id", index=True)
    status: str = Field(max_length=16, index=True)
    received_at: datetime = _when()
    review_cycle: str | None = Field(default=None, max_length=7, index=True)
    sender: str = Field(default="", max_length=320)
    language: str | None = Field(default=None, max_length=8)
    state_party: str | None = Field(default=None, max_length=255)
    state_party_code: str | None = Field(default=None, max_length=3, index=True)
    region: str | None = Field(default=None, max_length=64, index=True)
    national_authority: str | None = Field(default=None, sa_column=Column(Text))
    contact_person: str | None = Field(default=None, max_length=512)
    phone: str | None = Field(default=None, max_length=128)
    emails: list[str] = _json(list)
    mode: str | None = Field(default=None, max_length=16, index=True)
    mode_ticks: list[str] = _json(list)  # every mode ticked, so "both" stays visible
    sponsorship_required: bool | None = None
    justification: str | None = Field(default=None, sa_column=Column(Text))
    preferred_partner: str | None = Field(default=None, sa_column=Column(Text))
    first_visit_timeline: str | None = Field(default=None, sa_column=Column(Text))
    expected_results: str | None = Field(default=None, sa_column=Column(Text))
    signed: bool | None = None
    signature_date: date | None = None
    thematic_areas: list[dict[str, Any]] = _json(list)
    decision_reasons: list[str] = _json(list)
    reply_suppressed_reason: str | None = Field(default=None, max_length=512)
    superseded_by_id: int | None = Field(default=None, foreign_key="application.id")
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)


class Document(SQLModel, table=True):
    """An attachment, stored content-addressed under the storage path."""

    id: int | None = Field(default=None, primary_key=True)
    mail_message_id: int = Field(foreign_key="mail_message.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    filename: str = Field(max_length=512)
    content_type: str = Field(default="application/octet-stream", max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int = 0
    role: str = Field(default="other", max_length=32)
    format: str = Field(default="unknown", max_length=32)
    origin: str = Field(default="", max_length=512)
    inline: bool = False
    language: str | None = Field(default=None, max_length=8)
    problems: list[dict[str, Any]] = _json(list)
    text: str = Field(default="", sa_column=Column(Text))


class ExtractedField(SQLModel, table=True):
    """A value as the parser read it, with its confidence (corrections go to the audit log)."""

    __tablename__ = "extracted_field"
    __table_args__ = (UniqueConstraint("application_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    name: str = Field(max_length=64)
    value: Any = _json(None)
    confidence: float = 1.0
    note: str | None = Field(default=None, max_length=512)


class FindingRecord(SQLModel, table=True):
    """A rule hit. Re-evaluation retires old findings (``active`` false) and adds new ones."""

    __tablename__ = "finding"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    code: str = Field(max_length=64, index=True)
    severity: str = Field(max_length=8)
    kind: str = Field(max_length=16)
    message: str = Field(sa_column=Column(Text))
    active: bool = True
    overridden: bool = False
    override_reason: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _when(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """A reply in the outbox: rendered when decided, delivered by the sender.

    status: pending -> sending -> sent | failed; draft (waits for staff); cancelled.
    """

    id: int | None = Field(default=None, primary_key=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    mail_message_id: int | None = Field(default=None, foreign_key="mail_message.id")
    kind: str = Field(max_length=32)
    to: list[str] = _json(list)
    subject: str = Field(sa_column=Column(Text))
    body_text: str = Field(sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    message_id_header: str = Field(unique=True, max_length=255)
    in_reply_to: str | None = Field(default=None, max_length=998)
    attach_blank_forms: bool = False
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = _when(default_factory=utcnow)
    claimed_at: datetime | None = _when(default=None)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utcnow, index=True)


class ReplyRecipient(SQLModel, table=True):
    """One address of a reply in the outbox, kept by ``db.reply_recipients`` whenever a
    reply's ``to`` is written, so the per-sender daily limit counts by an index instead of
    reading the day's outbox for every message (migration 0006)."""

    __tablename__ = "reply_recipient"
    __table_args__ = (Index("ix_reply_recipient_address_at", "address", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("notification.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    address: str = Field(max_length=320)  # lower case
    created_at: datetime = _when(default_factory=utcnow)


class PastPartnership(SQLModel, table=True):
    """A completed partnership: imported, entered by staff, or learned from decisions."""

    __tablename__ = "past_partnership"
    __table_args__ = (UniqueConstraint("state_party_code", "role", "completed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    state_party: str = Field(max_length=255)
    state_party_code: str = Field(max_length=3, index=True)
    role: str = Field(max_length=8)  # mentee | mentor
    completed_on: date
    source: str = Field(default="import", max_length=16)  # import | staff | decision
    created_at: datetime = _when(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Every state change: who, when, what, why."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(default_factory=utcnow, index=True)
    actor: str = Field(max_length=128)  # "pipeline", "worker", or a staff user name
    entity: str = Field(max_length=32, index=True)  # application, message, notification, ...
    entity_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=64)
    detail: dict[str, Any] = _json(dict)
    reason: str | None = Field(default=None, sa_column=Column(Text))


class StaffUser(SQLModel, table=True):
    """A staff account of the web interface."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=128)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="reviewer", max_length=16)  # reviewer | admin
    active: bool = True
    created_at: datetime = _when(default_factory=utcnow)


class WorkerHeartbeat(SQLModel, table=True):
    """The last poll and delivery results, for health checks and the staff banner."""

    __tablename__ = "worker_heartbeat"

    name: str = Field(primary_key=True, max_length=64)  # "poll" | "deliver"
    last_success_at: datetime | None = _when(default=None)
    last_failure_at: datetime | None = _when(default=None)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_duration_seconds: float | None = None  # of the last run, success or not
