"""Merging a follow-up message into an application (SPEC section 3: "one email plus
follow-ups that staff merge").

The message's documents join the application. When the follow-up made an application of
its own, its values fill the fields the application lacks (never overwriting one), and
it becomes ``superseded`` by the application. The rules then run again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from common.settings import Settings
from db import crud
from db.models import Application, Document, ExtractedField, MailMessage
from intake.reevaluate import EDITABLE_FIELDS, Reevaluation, reevaluate

DERIVED = {"state_party": ("state_party_code", "region"), "mode": ("mode_ticks",)}


class MergeRefused(ValueError):
    """The message cannot be merged into this application (the text says why)."""


def merge_message(
    session: Session,
    *,
    application: Application,
    message: MailMessage,
    settings: Settings,
    actor: str,
) -> Reevaluation:
    if message.id == application.mail_message_id:
        raise MergeRefused("this is the application's own message")
    if crud.audit_entries(session=session, entity="message", entity_id=message.id, action="merged"):
        raise MergeRefused("this message was merged already")
    documents = _move_documents(session, message, application)
    other = session.exec(
        select(Application).where(Application.mail_message_id == message.id)
    ).first()
    filled = _fill_from(session, application, other, actor) if other else []
    detail = {
        "message": message.id,
        "subject": message.subject[:200],
        "documents": documents,
        "filled": filled,
        "from_application": other.reference if other else None,
    }
    crud.audit(
        session,
        actor=actor,
        entity="application",
        entity_id=application.id,
        action="message_merged",
        detail=detail,
    )
    crud.audit(
        session,
        actor=actor,
        entity="message",
        entity_id=message.id,
        action="merged",
        detail={"into": application.reference},
    )
    return reevaluate(session, application, settings, actor=actor)


def _move_documents(session: Session, message: MailMessage, application: Application) -> list[str]:
    moved = []
    for document in session.exec(select(Document).where(Document.mail_message_id == message.id)):
        document.application_id = application.id
        session.add(document)
        moved.append(document.filename)
    return moved


def _fill_from(
    session: Session, application: Application, other: Application, actor: str
) -> list[str]:
    """Copy the follow-up's values into the application's empty fields; supersede it."""
    filled = []
    for name in (*EDITABLE_FIELDS, "thematic_areas"):
        if _empty(getattr(application, name)) and not _empty(getattr(other, name)):
            setattr(application, name, getattr(other, name))
            for derived in DERIVED.get(name, ()):
                setattr(application, derived, getattr(other, derived))
            _copy_extracted(session, name, source=other, target=application)
            filled.append(name)
    previous = other.status
    other.status, other.superseded_by_id = "superseded", application.id
    session.add_all([application, other])
    crud.audit(
        session,
        actor=actor,
        entity="application",
        entity_id=other.id,
        action="status",
        detail={"from": previous, "to": "superseded", "by": application.reference},
        reason="merged as a follow-up",
    )
    return filled


def _copy_extracted(
    session: Session, name: str, *, source: Application, target: Application
) -> None:
    read = session.exec(
        select(ExtractedField).where(
            ExtractedField.application_id == source.id, ExtractedField.name == name
        )
    ).first()
    if read is None:
        return
    row = session.exec(
        select(ExtractedField).where(
            ExtractedField.application_id == target.id, ExtractedField.name == name
        )
    ).first() or ExtractedField(application_id=target.id, name=name)  # type: ignore[arg-type]
    row.value, row.confidence = read.value, read.confidence
    row.note = f"from {source.reference}"
    session.add(row)


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | dict | tuple) and not value)


def merge_candidates(session: Session, application: Application) -> list[MailMessage]:
    """Other messages from the same sender or about the same State Party, newest first."""
    same_party = select(Application.mail_message_id).where(
        Application.state_party_code == application.state_party_code
    )
    conditions = [func.lower(MailMessage.sender) == (application.sender or "").lower()]
    if application.state_party_code:
        conditions.append(col(MailMessage.id).in_(same_party))
    rows = session.exec(
        select(MailMessage)
        .where(or_(*conditions), MailMessage.id != application.mail_message_id)
        .order_by(col(MailMessage.received_at).desc())
        .limit(20)
    ).all()
    return list(rows)
