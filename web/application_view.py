"""Everything the application page shows, loaded in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from sqlmodel import Session, col, select

from db import crud
from db.models import (
    Application,
    AuditEntry,
    Document,
    ExtractedField,
    FindingRecord,
    MailMessage,
    Notification,
)
from db.models_staff import Note
from intake.reevaluate import EDITABLE_FIELDS
from notifications.outbox import REPLY_KIND
from web.field_forms import FieldView, field_view
from web.merge import merge_candidates

REPLY_KINDS = ("acknowledgement", "incomplete", "ineligible", "receipt")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass(frozen=True)
class DocumentView:
    document: Document
    viewer: str  # pdf | image | text | none


@dataclass
class ApplicationView:
    application: Application
    message: MailMessage
    fields: list[FieldView]
    documents: list[DocumentView]
    findings: list[FindingRecord]
    retired_findings: list[FindingRecord]
    notifications: list[Notification]
    notes: list[Note]
    audit: list[AuditEntry]
    merge_candidates: list[MailMessage]
    related: dict[str, list[Application]] = field(default_factory=dict)
    suggested_reply: str = "receipt"


def viewer_for(document: Document) -> str:
    """How the page shows a document; the download route checks the bytes again."""
    content_type = (document.content_type or "").lower()
    if document.format.startswith("pdf") or content_type == "application/pdf":
        return "pdf"
    if content_type in IMAGE_TYPES:
        return "image"
    return "text" if document.text.strip() else "none"


def load_view(session: Session, reference: str) -> ApplicationView | None:
    application = crud.get_application(session=session, reference=reference)
    if application is None or application.id is None:
        return None
    app_id = application.id
    message = session.get_one(MailMessage, application.mail_message_id)
    findings = _rows(session, FindingRecord, app_id)
    notifications = _rows(session, Notification, app_id)
    return ApplicationView(
        application=application,
        message=message,
        fields=_fields(session, application),
        documents=[DocumentView(doc, viewer_for(doc)) for doc in _rows(session, Document, app_id)],
        findings=[row for row in findings if row.active],
        retired_findings=[row for row in findings if not row.active],
        notifications=notifications,
        notes=_rows(session, Note, app_id),
        audit=_audit(session, app_id, [row.id for row in notifications if row.id]),
        merge_candidates=merge_candidates(session, application),
        related=_related(session, application),
        suggested_reply=REPLY_KIND.get(application.status, "receipt"),
    )


Row = TypeVar("Row", Document, FindingRecord, Note, Notification)


def _rows(session: Session, model: type[Row], app_id: int) -> list[Row]:
    """The rows of one application, oldest first."""
    query = select(model).where(col(model.application_id) == app_id).order_by(col(model.id))
    return list(session.exec(query))


def _fields(session: Session, application: Application) -> list[FieldView]:
    read = {
        row.name: row
        for row in session.exec(
            select(ExtractedField).where(ExtractedField.application_id == application.id)
        )
    }
    views = []
    for name in EDITABLE_FIELDS:
        extracted = read.get(name)
        views.append(
            field_view(
                name,
                getattr(application, name),
                extracted.confidence if extracted else None,
                extracted.note if extracted else None,
            )
        )
    return views


def _audit(session: Session, app_id: int, notification_ids: list[int]) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        (col(AuditEntry.entity) == "application") & (col(AuditEntry.entity_id) == app_id)
        | (col(AuditEntry.entity) == "notification")
        & col(AuditEntry.entity_id).in_(notification_ids)
    )
    return list(session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())))


def _related(session: Session, application: Application) -> dict[str, list[Application]]:
    """The application that superseded this one, and those it superseded."""
    newer = (
        [session.get_one(Application, application.superseded_by_id)]
        if application.superseded_by_id
        else []
    )
    older = list(
        session.exec(select(Application).where(Application.superseded_by_id == application.id))
    )
    return {"superseded_by": newer, "supersedes": older}
