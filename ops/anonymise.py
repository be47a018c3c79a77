"""Anonymising old records: personal data goes, what statistics need stays.

Kept: reference, State Party, region, National Authority (an office, not a person), mode,
status, dates, review cycle, findings, the kinds and statuses of replies, document roles.
Removed: contact person, phone, emails, sender, message subject, body and recipients, the
raw message and attachments (their files), extracted document text, reply texts and
addresses, staff notes, and the details of audit entries about these records. Each record
gets an ``anonymised`` audit entry, so it is not done twice and its files are not kept for it.
"""

from __future__ import annotations

from pathlib import PurePath

from sqlmodel import Session, col, select

from db import crud
from db.models import Application, AuditEntry, Document, ExtractedField, MailMessage, Notification
from db.models_staff import Note

ANONYMISED = "anonymised"
PERSONAL_FIELDS = ("contact_person", "phone", "emails")
NOTE_REMOVED = "(removed when the application was anonymised)"

StoredFile = tuple[str, str]  # (kind, sha256)


def anonymise_applications(session: Session, app_ids: list[int]) -> set[StoredFile]:
    """Anonymise the applications and their messages; the stored files they named."""
    if not app_ids:
        return set()
    applications = list(session.exec(select(Application).where(col(Application.id).in_(app_ids))))
    for application in applications:
        application.contact_person = application.phone = None
        application.emails = []
        application.sender = ""
        application.reply_suppressed_reason = None
        session.add(application)
    _clear_fields(session, app_ids)
    notification_ids = _clear_notifications(session, col(Notification.application_id).in_(app_ids))
    for note in session.exec(select(Note).where(col(Note.application_id).in_(app_ids))):
        note.text = NOTE_REMOVED
        session.add(note)
    files = _clear_documents(session, col(Document.application_id).in_(app_ids))
    _clear_audit(session, "application", app_ids)
    _clear_audit(session, "notification", notification_ids)
    _mark(session, "application", app_ids)
    message_ids = {application.mail_message_id for application in applications}
    return files | anonymise_messages(session, message_ids)


def anonymise_messages(session: Session, message_ids: set[int]) -> set[StoredFile]:
    """Anonymise messages (and their documents and replies); the stored files they named."""
    if not message_ids:
        return set()
    ids = sorted(message_ids)
    files: set[StoredFile] = set()
    for message in session.exec(select(MailMessage).where(col(MailMessage.id).in_(ids))):
        files.add(("raw", message.raw_sha256))
        message.sender = message.sender_name = message.subject = message.body_text = ""
        message.recipients = []
        message.error = None
        session.add(message)
    files |= _clear_documents(session, col(Document.mail_message_id).in_(ids))
    notification_ids = _clear_notifications(session, col(Notification.mail_message_id).in_(ids))
    _clear_audit(session, "message", ids)
    _clear_audit(session, "notification", notification_ids)
    _mark(session, "message", ids)
    return files


def _clear_fields(session: Session, app_ids: list[int]) -> None:
    query = select(ExtractedField).where(
        col(ExtractedField.application_id).in_(app_ids),
        col(ExtractedField.name).in_(PERSONAL_FIELDS),
    )
    for row in session.exec(query):
        row.value, row.note = None, ANONYMISED
        session.add(row)


def _clear_notifications(session: Session, where: object) -> list[int]:
    ids = []
    for reply in session.exec(select(Notification).where(where)):  # type: ignore[arg-type]
        reply.to, reply.body_text, reply.body_html = [], "", None
        reply.in_reply_to = reply.last_error = None
        session.add(reply)
        ids.append(reply.id)
    return [i for i in ids if i is not None]


def _clear_documents(session: Session, where: object) -> set[StoredFile]:
    files: set[StoredFile] = set()
    for document in session.exec(select(Document).where(where)):  # type: ignore[arg-type]
        files.add(("blobs", document.sha256))
        suffix = PurePath(document.filename).suffix.lower()[:10]
        document.filename = f"{document.role}{suffix}"
        document.origin, document.text, document.problems = "", "", []
        session.add(document)
    return files


def _clear_audit(session: Session, entity: str, ids: list[int]) -> None:
    if not ids:
        return
    query = select(AuditEntry).where(
        AuditEntry.entity == entity, col(AuditEntry.entity_id).in_(ids)
    )
    for entry in session.exec(query):
        entry.detail, entry.reason = {}, None
        session.add(entry)


def _mark(session: Session, entity: str, ids: list[int]) -> None:
    for entity_id in ids:
        crud.audit(
            session, actor="retention", entity=entity, entity_id=entity_id, action=ANONYMISED
        )
