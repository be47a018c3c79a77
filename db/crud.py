"""Keyword-only data functions used by the pipeline, the command line and the web interface."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from common.clock import utcnow
from db.models import Application, AuditEntry, Notification, PastPartnership, ReplyRecipient
from rules import model as rules_model

ACTIVE_STATUSES = ("complete", "incomplete", "ineligible", "needs_review")


def audit(
    session: Session,
    *,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Add an entry to the audit trail, in the session's transaction. Written at once as one
    plain INSERT: nothing reads an entry back as an object, and the ORM's way (a flush that
    fetches the new id) costs several times as much on every message."""
    entry = {
        "at": utcnow(),
        "actor": actor,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "detail": detail or {},
        "reason": reason,
    }
    session.connection().execute(insert(AuditEntry.__table__), entry)  # type: ignore[attr-defined]


def past_partnerships(*, session: Session) -> tuple[rules_model.PastPartnership, ...]:
    rows = session.exec(select(PastPartnership)).all()
    return tuple(
        rules_model.PastPartnership(
            state_party_code=row.state_party_code,
            role=row.role,  # type: ignore[arg-type]
            completed_on=row.completed_on,
        )
        for row in rows
    )


def earlier_applications(
    *, session: Session, state_party_code: str | None, national_authority: str | None
) -> list[Application]:
    """Applications still in play from the same National Authority (one per State Party)."""
    query = select(Application).where(col(Application.status).in_(ACTIVE_STATUSES))
    if state_party_code:
        query = query.where(Application.state_party_code == state_party_code)
    elif national_authority and national_authority.strip():
        name = " ".join(national_authority.split()).lower()
        query = query.where(func.lower(Application.national_authority) == name)
    else:
        return []
    return list(session.exec(query.order_by(col(Application.received_at))))


def replies_to_address_since(*, session: Session, address: str, since: datetime) -> int:
    """How many replies were queued to ``address`` since ``since`` (the per-sender limit):
    a lookup by the index on (address, created_at) of ``reply_recipient``; the status of
    those few replies is checked here (a status condition in the query could make SQLite
    start from the index on ``status``: every reply ever sent)."""
    statuses = session.exec(
        select(Notification.status)
        .join(ReplyRecipient, col(ReplyRecipient.notification_id) == col(Notification.id))
        .where(ReplyRecipient.address == address.lower(), col(ReplyRecipient.created_at) >= since)
    ).all()
    return sum(1 for status in statuses if status in _COUNTED_STATUSES)


_COUNTED_STATUSES = frozenset({"pending", "sending", "sent"})


def get_application(*, session: Session, reference: str) -> Application | None:
    return session.exec(select(Application).where(Application.reference == reference)).first()


def notification_count(*, session: Session, application_id: int | None) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.application_id == application_id)
    ).one()


def audit_entries(
    *, session: Session, entity: str, entity_id: int | None, action: str | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query.order_by(col(AuditEntry.at), col(AuditEntry.id))))
