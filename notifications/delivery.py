"""Delivering the outbox: claim a due reply, send it, record the result.

A reply is claimed (pending -> sending) in its own commit before it is handed to the
transport; a worker that dies while sending leaves it ``sending`` until the lease runs out,
when another worker sends it again. That window is the only source of a duplicate reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Protocol

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.clock import utcnow
from common.errors import PermanentDeliveryError, TemporaryDeliveryError
from common.settings import NotificationSettings, Settings
from db import crud
from db.models import Notification
from db.session import session_scope
from notifications.message import build_reply
from notifications.render import RenderedReply
from parsers.forms import BLANK_FORMS

log = logging.getLogger("mpp.delivery")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Transport(Protocol):
    """Sends built replies. A transport may keep its connection between replies: whoever
    makes one closes it when done."""

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: list[str]) -> None: ...

    def close(self) -> None: ...


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


def make_transport(settings: Settings) -> Transport:
    from common.oauth import make_token_provider
    from notifications.transport import FileTransport, SmtpTransport

    cfg = settings.notifications
    if cfg.transport == "file":
        return FileTransport(cfg.outbox_dir)
    return SmtpTransport(
        host=cfg.smtp_host,
        port=cfg.smtp_port,
        security=cfg.smtp_security,
        username=cfg.smtp_username,
        password=cfg.smtp_password(),
        timeout=cfg.smtp_timeout_seconds,
        token_provider=make_token_provider(settings) if cfg.smtp_auth == "oauth2" else None,
    )


@dataclass(frozen=True)
class SendOutcome:
    """What became of one attempt: sent (``retry`` None), to retry, or failed for good."""

    notification_id: int
    retry: bool | None = None
    error: str | None = None


def deliver_due(
    engine: Engine,
    transport: Transport,
    settings: Settings,
    *,
    unrecorded: list[SendOutcome] | None = None,
) -> DeliveryReport:
    """Send every reply that is due now; one failure does not stop the others.

    ``unrecorded`` keeps, between rounds, the outcomes the database could not be told
    (it went away after the SMTP server had taken a reply): they are recorded first at
    the next round, so a reply sent during an outage is not sent again when its claim
    runs out. In dry run (``[worker] dry_run``) nothing is sent: replies stay queued.
    """
    report = DeliveryReport()
    if settings.worker.dry_run:
        return report
    cfg = settings.notifications
    pending = unrecorded if unrecorded is not None else []
    while pending:
        _record(engine, pending[0], cfg, report)
        pending.pop(0)
    for notification_id in _due_ids(engine, cfg):
        notification = _claim(engine, notification_id, cfg)
        if notification is None:
            continue
        outcome = _send_one(transport, notification, cfg)
        try:
            _record(engine, outcome, cfg, report)
        except Exception:
            pending.append(outcome)
            raise
    return report


def _due_ids(engine: Engine, cfg: NotificationSettings) -> list[int]:
    now = utcnow()
    stale = now - timedelta(seconds=cfg.send_lease_seconds)
    with Session(engine) as session:
        rows = session.exec(
            select(Notification.id)
            .where(_due_clause(now, stale))
            .order_by(col(Notification.id))
            .limit(500)
        ).all()
    return [row for row in rows if row is not None]


def _due_clause(now: datetime, stale: datetime) -> ColumnElement[bool]:
    return or_(
        (col(Notification.status) == "pending") & (col(Notification.next_attempt_at) <= now),
        (col(Notification.status) == "sending") & (col(Notification.claimed_at) < stale),
    )


def _claim(engine: Engine, notification_id: int, cfg: NotificationSettings) -> Notification | None:
    """The reply, marked as being sent, if it is still due; its commit is the last database
    step before sending (the row comes back with the UPDATE)."""
    now = utcnow()
    stale = now - timedelta(seconds=cfg.send_lease_seconds)
    with Session(engine, expire_on_commit=False) as session:
        claimed = session.scalars(
            update(Notification)
            .where(col(Notification.id) == notification_id, _due_clause(now, stale))
            .values(status="sending", claimed_at=now)
            .returning(Notification)
        ).one_or_none()
        session.commit()
        return claimed


def _send_one(
    transport: Transport, notification: Notification, cfg: NotificationSettings
) -> SendOutcome:
    assert notification.id is not None
    try:
        message = build_message(notification, cfg)
        transport.send(message, envelope_from=cfg.from_address, recipients=list(notification.to))
    except TemporaryDeliveryError as exc:
        return SendOutcome(notification.id, retry=True, error=str(exc))
    except PermanentDeliveryError as exc:
        return SendOutcome(notification.id, retry=False, error=str(exc))
    except Exception as exc:
        log.exception("reply %s could not be built or sent", notification.id)
        return SendOutcome(notification.id, retry=False, error=repr(exc))
    return SendOutcome(notification.id)


def _record(
    engine: Engine, outcome: SendOutcome, cfg: NotificationSettings, report: DeliveryReport
) -> None:
    now, notification_id = utcnow(), outcome.notification_id
    sent = outcome.retry is None
    values = {"claimed_at": None, **({"status": "sent", "sent_at": now} if sent else {})}
    with session_scope(engine) as session:
        row = session.scalars(  # a reply sent, the common case, is recorded in this statement
            update(Notification)
            .where(col(Notification.id) == notification_id)
            .values(**values)
            .returning(Notification)
        ).one()
        if not sent:
            row.attempts += 1
            row.last_error = (outcome.error or "")[:4000]
            if outcome.retry and row.attempts < cfg.max_attempts:
                row.status = "pending"
                row.next_attempt_at = now + backoff(row.attempts, cfg)
            else:
                row.status = "failed"
        crud.audit(
            session,
            actor="worker",
            entity="notification",
            entity_id=notification_id,
            action=row.status,
            detail={"attempts": row.attempts, "error": row.last_error},
        )
        status = row.status
        extra = {
            "event": "reply",
            "notification_id": notification_id,
            "application_id": row.application_id,
            "kind": row.kind,
            "status": status,
        }
        error = row.last_error or ""
    if status == "sent":
        report.sent.append(notification_id)
    else:
        (report.retrying if status == "pending" else report.failed).append(notification_id)
    log.info("reply %s: %s %s", notification_id, status, error, extra=extra)


def backoff(attempts: int, cfg: NotificationSettings) -> timedelta:
    """Exponential: base, 2*base, 4*base ... capped."""
    seconds = min(cfg.retry_base_seconds * (2 ** max(attempts - 1, 0)), cfg.retry_max_seconds)
    return timedelta(seconds=seconds)


def build_message(notification: Notification, cfg: NotificationSettings) -> EmailMessage:
    attachments = []
    if notification.attach_blank_forms:
        attachments = [
            (path.name, DOCX, path.read_bytes()) for path in sorted(BLANK_FORMS.glob("*.docx"))
        ]
    return build_reply(
        RenderedReply(notification.subject, notification.body_text, notification.body_html),
        from_address=formataddr((cfg.from_name, cfg.from_address)),
        to=list(notification.to),
        in_reply_to=notification.in_reply_to,
        references=notification.in_reply_to,
        message_id=notification.message_id_header,
        attachments=attachments,
    )
