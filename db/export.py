"""The export of SPEC section 6: every application as a plain dict."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from db.models import Application, Document, FindingRecord, MailMessage, Notification
from parsers.model import ANNEX1_FIELDS

EXPORT_FIELDS = (*ANNEX1_FIELDS, "state_party_code", "region", "review_cycle")
AREA_KEYS = ("number", "title", "outputs", "output_indicators", "outcomes", "outcome_indicators")


def export_applications(
    *, session: Session, review_cycle: str | None = None
) -> list[dict[str, Any]]:
    query = select(Application).order_by(col(Application.received_at), col(Application.id))
    if review_cycle:
        query = query.where(Application.review_cycle == review_cycle)
    return [export_application(session=session, application=app) for app in session.exec(query)]


def export_application(*, session: Session, application: Application) -> dict[str, Any]:
    message = session.get_one(MailMessage, application.mail_message_id)
    item: dict[str, Any] = {
        "reference": application.reference,
        "status": application.status,
        "received_at": application.received_at.isoformat(),
        "sender": application.sender,
        "message_id": message.message_id,
    }
    for name in EXPORT_FIELDS:
        item[name] = getattr(application, name)
    item["emails"] = list(application.emails or [])
    item["signature_date"] = (
        application.signature_date.isoformat() if application.signature_date else None
    )
    item["thematic_areas"] = [
        {key: area.get(key) for key in AREA_KEYS} for area in application.thematic_areas or []
    ]
    item["documents"] = _documents(session, application)
    item["findings"] = _findings(session, application)
    item["notifications"] = _notifications(session, application)
    return item


def _documents(session: Session, application: Application) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Document)
        .where(Document.application_id == application.id, col(Document.inline).is_(False))
        .order_by(col(Document.id))
    )
    return [{"filename": row.filename, "role": row.role} for row in rows]


def _findings(session: Session, application: Application) -> list[dict[str, Any]]:
    rows = session.exec(
        select(FindingRecord)
        .where(FindingRecord.application_id == application.id, col(FindingRecord.active).is_(True))
        .order_by(col(FindingRecord.id))
    )
    return [
        {
            "code": row.code,
            "severity": row.severity,
            "message": row.message,
            "overridden": row.overridden,
        }
        for row in rows
    ]


def _notifications(session: Session, application: Application) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Notification)
        .where(Notification.application_id == application.id)
        .order_by(col(Notification.id))
    )
    return [
        {"kind": row.kind, "to": list(row.to or []), "subject": row.subject, "status": row.status}
        for row in rows
        if row.status not in {"draft", "cancelled"}
    ]
