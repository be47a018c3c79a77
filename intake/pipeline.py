"""The one pipeline: a raw message from any source to a recorded application and a queued reply.

``process_message`` is called by the worker, by ``mpp ingest`` and by the tests. Slow work
(MIME, storing, parsing) happens before the database transaction; the outcome (message,
documents, application, fields, findings, reply, audit) is committed in one transaction.
A failure is recorded on the message for staff; it never propagates to the caller.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.clock import utcnow
from common.settings import Settings
from db import crud
from db.models import MailMessage
from db.session import session_scope
from intake.ledger import DbLedger
from intake.mime import parse_message
from intake.model import IncomingMessage, ParsedMessage
from intake.recording import ParsedAttachment, parse_attachments, record_application
from intake.storage import BlobStore

log = logging.getLogger("mpp.pipeline")

Outcome = Literal["recorded", "automatic", "duplicate", "skipped", "failed"]


@dataclass
class PipelineContext:
    settings: Settings
    engine: Engine
    store: BlobStore
    ledger: DbLedger
    worker_id: str
    actor: str = "pipeline"


@dataclass(frozen=True)
class ProcessResult:
    outcome: Outcome
    source_key: str
    message_row_id: int | None = None
    reference: str | None = None
    status: str | None = None
    error: str | None = None

    @property
    def settle_as(self) -> Literal["processed", "attention"]:
        return "attention" if self.outcome == "failed" else "processed"


def make_context(settings: Settings, engine: Engine, *, worker_id: str) -> PipelineContext:
    return PipelineContext(
        settings=settings,
        engine=engine,
        store=BlobStore(settings.storage.path),
        ledger=DbLedger(engine, lease_seconds=settings.mailbox.claim_lease_seconds),
        worker_id=worker_id,
    )


def process_message(incoming: IncomingMessage, ctx: PipelineContext) -> ProcessResult:
    """Take one message exactly once and record what it is. Never raises for bad input."""
    raw_sha = ctx.store.put(incoming.raw, kind="raw")
    row_id = ctx.ledger.claim(incoming, raw_sha256=raw_sha, worker_id=ctx.worker_id)
    if row_id is None:
        return ProcessResult("skipped", incoming.source_key)
    try:
        result = _process_claimed(incoming, row_id, ctx)
    except Exception as exc:
        log.exception("message %s failed", incoming.source_key)
        _record_failure(ctx.engine, row_id, exc, actor=ctx.actor)
        return ProcessResult("failed", incoming.source_key, row_id, error=repr(exc))
    log.info(
        "message %s: %s %s %s",
        incoming.source_key,
        result.outcome,
        result.reference or "",
        result.status or "",
    )
    return result


def _process_claimed(incoming: IncomingMessage, row_id: int, ctx: PipelineContext) -> ProcessResult:
    parsed = parse_message(incoming.raw, programme_address=ctx.settings.notifications.from_address)
    received_at = incoming.received_at or parsed.received_at or parsed.date or utcnow()
    attachments: list[ParsedAttachment] = []
    if not parsed.is_bounce_or_autoreply:
        attachments = parse_attachments(parsed, ctx.store, ctx.settings)
    with session_scope(ctx.engine) as session:
        row = session.get_one(MailMessage, row_id)
        _fill_message(row, parsed, received_at)
        duplicate_of = _duplicate_of(session, row)
        if duplicate_of is not None:
            return _finish(session, row, "duplicate", ctx, detail={"duplicate_of": duplicate_of})
        if parsed.is_bounce_or_autoreply:
            row.is_automatic = True
            return _finish(session, row, "automatic", ctx, detail={"why": parsed.automatic_reason})
        application = record_application(
            session, message=row, parsed=parsed, attachments=attachments, ctx=ctx
        )
        _finish(session, row, "recorded", ctx, detail={"reference": application.reference})
        return ProcessResult(
            "recorded", incoming.source_key, row_id, application.reference, application.status
        )


def _fill_message(row: MailMessage, parsed: ParsedMessage, received_at: datetime) -> None:
    row.message_id = parsed.message_id[:998]
    row.sender = parsed.sender[:320]
    row.sender_name = parsed.sender_name[:512]
    row.subject = parsed.subject
    row.received_at = received_at
    row.body_text = parsed.body_text
    row.recipients = [*parsed.to, *parsed.cc]
    row.defects = list(parsed.defects)
    row.never_answer_reason = parsed.automatic_reason


def _duplicate_of(session: Session, row: MailMessage) -> int | None:
    """An earlier message with the same bytes, or the same Message-ID from the same sender."""
    same_bytes = select(MailMessage.id).where(
        MailMessage.raw_sha256 == row.raw_sha256,
        MailMessage.id != row.id,
        MailMessage.state == "done",
    )
    found = session.exec(same_bytes).first()
    if found is None and row.message_id:
        same_id = select(MailMessage.id).where(
            MailMessage.message_id == row.message_id,
            MailMessage.sender == row.sender,
            MailMessage.id != row.id,
            MailMessage.state == "done",
        )
        found = session.exec(same_id).first()
    return found


def _finish(
    session: Session, row: MailMessage, outcome: Outcome, ctx: PipelineContext, *, detail: dict
) -> ProcessResult:
    row.state = "duplicate" if outcome == "duplicate" else "done"
    crud.audit(
        session,
        actor=ctx.actor,
        entity="message",
        entity_id=row.id,
        action=outcome,
        detail=detail,
    )
    return ProcessResult(outcome, row.source_key, row.id)


def _record_failure(engine: Engine, row_id: int, exc: Exception, *, actor: str) -> None:
    with session_scope(engine) as session:
        row = session.get_one(MailMessage, row_id)
        row.state = "failed"
        row.error = "".join(traceback.format_exception(exc))[-8000:]
        crud.audit(
            session,
            actor=actor,
            entity="message",
            entity_id=row_id,
            action="failed",
            detail={"error": repr(exc)[:500]},
        )
