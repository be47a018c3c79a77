"""One message through the real pipeline, and what it left in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, select

from db.models import Application, Document, MailMessage, Notification
from intake.model import IncomingMessage
from intake.pipeline import PipelineContext, ProcessResult, process_message


@dataclass
class Recorded:
    """What one message left behind: its row, its application and documents (if any)."""

    result: ProcessResult
    message: MailMessage
    application: Application | None
    documents: list[Document]
    notifications: list[Notification]


def run(ctx: PipelineContext, raw: bytes, *, key: str | None = None) -> Recorded:
    """Process ``raw`` and check it was recorded and never left claimed or failed."""
    source_key = key or f"test:{hashlib.sha256(raw).hexdigest()}"
    result = process_message(IncomingMessage(source_key, raw, None), ctx)
    assert result.outcome != "failed", result.error
    with Session(ctx.engine) as session:
        message = session.exec(
            select(MailMessage).where(MailMessage.source_key == source_key)
        ).one()
        application = session.exec(
            select(Application).where(Application.mail_message_id == message.id)
        ).first()
        documents = list(
            session.exec(select(Document).where(Document.mail_message_id == message.id))
        )
        notifications = list(
            session.exec(select(Notification).where(Notification.mail_message_id == message.id))
        )
    assert message.state in ("done", "duplicate"), message.state
    assert (application is not None) == (result.outcome == "recorded")
    return Recorded(result, message, application, documents, notifications)
