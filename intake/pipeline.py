"""The one pipeline: a raw message from any source to a recorded application and a queued reply.

``process_message`` is called by ``mpp ingest`` and by the tests; the worker runs its three
steps apart, to read the next messages while one is recorded: ``claim_message`` stores the
raw message and claims it; ``read_message`` does the slow work (MIME, storing attachments,
parsing) outside any transaction; ``record_message`` commits the outcome (message, documents,
application, fields, findings, reply, audit) in one transaction. A failure is recorded on
the message for staff; it never propagates to the caller.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
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
from intake.mime_sandbox import read_message_in_sandbox
from intake.model import IncomingMessage, ParsedMessage
from intake.recording import ParsedAttachment, parse_attachments, record_application
from intake.storage import BlobStore
from parsers import limits_from_settings

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


@dataclass
class PreparedMessage:
    """A claimed message read and parsed, waiting for its transaction (``row_id`` None: the
    message is someone else's; ``error``: the reading failed, to be recorded)."""

    incoming: IncomingMessage
    row_id: int | None
    parsed: ParsedMessage | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    error: Exception | None = None


def process_message(incoming: IncomingMessage, ctx: PipelineContext) -> ProcessResult:
    """Take one message exactly once and record what it is. Never raises for bad input."""
    row_id = claim_message(incoming, ctx)
    return record_message(read_message(incoming, row_id, ctx), ctx)


def claim_message(incoming: IncomingMessage, ctx: PipelineContext) -> int | None:
    """Store the raw message and claim it: its row id, or None when someone else has it.
    Raises when either fails (the message stays unclaimed for the next poll)."""
    raw_sha = ctx.store.put(incoming.raw, kind="raw")
    return ctx.ledger.claim(incoming, raw_sha256=raw_sha, worker_id=ctx.worker_id)


def read_message(
    incoming: IncomingMessage, row_id: int | None, ctx: PipelineContext
) -> PreparedMessage:
    """MIME-parse a claimed message and read its attachments; never raises. Touches no
    database, so it may run in a thread beside ``record_message`` of other messages."""
    if row_id is None:
        return PreparedMessage(incoming, None)
    try:
        parsed = read_message_in_sandbox(
            incoming.raw,
            programme_address=ctx.settings.notifications.from_address,
            limits=limits_from_settings(ctx.settings.parsers),
            name=incoming.source_key,
        )
        attachments: list[ParsedAttachment] = []
        if not parsed.is_bounce_or_autoreply:
            attachments = parse_attachments(parsed, ctx.store, ctx.settings)
    except Exception as exc:
        return PreparedMessage(incoming, row_id, error=exc)
    return PreparedMessage(incoming, row_id, parsed, attachments)


def record_message(prepared: PreparedMessage, ctx: PipelineContext) -> ProcessResult:
    """Commit the outcome of a prepared message (or its failure). Never raises for bad input."""
    incoming, row_id = prepared.incoming, prepared.row_id
    if row_id is None:
        return ProcessResult("skipped", incoming.source_key)
    try:
        if prepared.error is not None:
            raise prepared.error
        assert prepared.parsed is not None
        result = _record_claimed(prepared, prepared.parsed, row_id, ctx)
    except Exception as exc:
        log.error(
            "message %s failed",
            incoming.source_key,
            exc_info=exc,
            extra={"event": "message", "source_key": incoming.source_key, "outcome": "failed"},
        )
        if not _record_failure(ctx, row_id, exc):
            return ProcessResult("skipped", incoming.source_key)
        return ProcessResult("failed", incoming.source_key, row_id, error=repr(exc))
    log.info(
        "message %s: %s %s %s",
        incoming.source_key,
        result.outcome,
        result.reference or "",
        result.status or "",
        extra={
            "event": "message",
            "source_key": incoming.source_key,
            "outcome": result.outcome,
            "reference": result.reference,
            "status": result.status,
        },
    )
    return result


def _record_claimed(
    prepared: PreparedMessage, parsed: ParsedMessage, row_id: int, ctx: PipelineContext
) -> ProcessResult:
    incoming, attachments = prepared.incoming, prepared.attachments
    received_at = incoming.received_at or parsed.received_at or parsed.date or utcnow()
    with session_scope(ctx.engine) as session:
        row = ctx.ledger.confirm(session, row_id, ctx.worker_id)
        if row is None:
            log.warning("message %s: taken over by another worker", incoming.source_key)
            return ProcessResult("skipped", incoming.source_key)
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


def _record_failure(ctx: PipelineContext, row_id: int, exc: Exception) -> bool:
    """Record the error on the claimed message; False when the claim was taken over."""
    with session_scope(ctx.engine) as session:
        row = ctx.ledger.confirm(session, row_id, ctx.worker_id)
        if row is None:
            return False
        row.state = "failed"
        row.error = "".join(traceback.format_exception(exc))[-8000:]
        crud.audit(
            session,
            actor=ctx.actor,
            entity="message",
            entity_id=row_id,
            action="failed",
            detail={"error": repr(exc)[:500]},
        )
    return True
