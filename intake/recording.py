"""Parsing a message's attachments and recording the application they make."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session

from common.clock import utcnow
from common.settings import Settings
from db import crud
from db.models import Application, Document, ExtractedField, FindingRecord, MailMessage
from intake.facts import (
    DocumentSummary,
    areas_as_json,
    build_facts,
    doubtful_documents,
    field_value,
)
from intake.model import Attachment, ParsedMessage
from intake.storage import BlobStore
from notifications.outbox import draft_for_review, queue_reply
from parsers import limits_from_settings, merge_documents, parse_attachment
from parsers.model import (
    ANNEX1_FIELDS,
    ExtractedDocument,
    FieldValue,
    FormData,
    ParseProblem,
)
from parsers.normalise import lookup_state_party
from rules.cycle import review_cycle
from rules.decide import evaluate
from rules.model import Decision, EarlierApplication, RuleContext

if TYPE_CHECKING:
    from intake.pipeline import PipelineContext


@dataclass(frozen=True)
class ParsedAttachment:
    attachment: Attachment
    document: ExtractedDocument


def summary(document: ExtractedDocument) -> DocumentSummary:
    problems = tuple((problem.code, problem.message) for problem in document.problems)
    return DocumentSummary(document.filename, document.role, document.format, problems)


def parse_attachments(
    parsed: ParsedMessage, store: BlobStore, settings: Settings
) -> list[ParsedAttachment]:
    """Store every attachment and parse the ones that are not inline pictures, until the
    message's parsing budget is spent: each attachment has its own limits, but a message
    with hundreds of slow ones must not hold the worker for hours."""
    limits = limits_from_settings(settings.parsers)
    budget, spent = settings.parsers.message_budget_seconds, 0.0
    results = []
    for attachment in parsed.attachments:
        store.put(attachment.data)
        if attachment.inline:
            document = ExtractedDocument(filename=attachment.filename, role="other")
        elif spent > budget:
            document = _not_read(attachment.filename, budget)
        else:
            started = time.monotonic()
            document = parse_attachment(attachment.filename, attachment.data, limits=limits)
            spent += time.monotonic() - started
        results.append(ParsedAttachment(attachment, document))
    return results


def _not_read(filename: str, budget: float) -> ExtractedDocument:
    reason = f"not read: the attachments before it used up the message's {budget:g} s of parsing"
    return ExtractedDocument(
        filename=filename, role="other", problems=(ParseProblem("PARSE_LIMIT", reason),)
    )


def rule_context(session: Session, settings: Settings, earlier: list[Application]) -> RuleContext:
    programme, rules = settings.programme, settings.rules
    return RuleContext(
        timezone=programme.timezone,
        programme_address=settings.notifications.from_address.lower(),
        officer_address=programme.officer_address.lower(),
        programme_start=programme.start,
        programme_end=programme.end,
        reapply_after_years=rules.reapply_after_years,
        justification_min_words=rules.justification_min_words,
        visit_notice_weeks=rules.visit_notice_weeks,
        past_partnerships=crud.past_partnerships(session=session),
        earlier_applications=tuple(
            EarlierApplication(app.reference, app.received_at, app.status)  # type: ignore[arg-type]
            for app in earlier
        ),
        disabled_rules=frozenset(rules.disabled),
        severity_overrides=dict(rules.severity),
    )


def record_application(
    session: Session,
    *,
    message: MailMessage,
    parsed: ParsedMessage,
    attachments: list[ParsedAttachment],
    ctx: PipelineContext,
) -> Application:
    settings = ctx.settings
    form = merge_documents([item.document for item in attachments])
    assert message.received_at is not None
    cycle = review_cycle(message.received_at, settings.programme.timezone)
    real = [item for item in attachments if not item.attachment.inline]
    facts = build_facts(
        message=parsed,
        form=form,
        received_at=message.received_at,
        review_cycle=cycle,
        has_attachments=bool(real),
        min_confidence=settings.rules.min_field_confidence,
        doubtful_documents=doubtful_documents(
            [summary(item.document) for item in real],
            forms_missing=not (form.has_application_form and form.has_results_framework),
        ),
    )
    earlier = crud.earlier_applications(
        session=session,
        state_party_code=facts.state_party_code,
        national_authority=facts.national_authority,
    )
    decision = evaluate(facts, rule_context(session, settings, earlier))
    application = _new_application(session, message, form, decision, cycle, settings)
    _add_documents(session, message, application, attachments)
    _add_fields_and_findings(session, application, form, decision)
    _supersede(session, earlier, application, actor=ctx.actor)
    queue_reply(
        session,
        application=application,
        message=message,
        parsed=parsed,
        decision=decision,
        settings=settings,
    )
    if decision.status == "needs_review":  # the notice itself waits for a person
        draft_for_review(
            session,
            application=application,
            message=message,
            parsed=parsed,
            decision=decision,
            settings=settings,
        )
    crud.audit(
        session,
        actor=ctx.actor,
        entity="application",
        entity_id=application.id,
        action="decided",
        detail={"status": decision.status, "reasons": list(decision.reasons)},
    )
    return application


def _new_application(
    session: Session,
    message: MailMessage,
    form: FormData,
    decision: Decision,
    cycle: str | None,
    settings: Settings,
) -> Application:
    fields = form.fields
    state_party = field_value(fields, "state_party")
    known = lookup_state_party(state_party) if state_party else None
    assert message.received_at is not None
    application = Application(
        reference=f"pending-{message.id}",
        mail_message_id=message.id,  # type: ignore[arg-type]
        status=decision.status,
        received_at=message.received_at,
        review_cycle=cycle,
        sender=message.sender,
        language=form.language,
        state_party_code=known.code if known else None,
        region=known.region if known else None,
        thematic_areas=areas_as_json(form.thematic_areas),
        mode_ticks=[str(tick) for tick in field_value(fields, "mode_ticks") or []],
        decision_reasons=list(decision.reasons),
        **_form_columns(fields),
    )
    session.add(application)
    session.flush()
    local_year = message.received_at.astimezone(ZoneInfo(settings.programme.timezone)).year
    application.reference = (
        f"{settings.programme.reference_prefix}-{local_year}-{application.id:05d}"
    )
    return application


def _form_columns(fields: dict[str, FieldValue]) -> dict[str, Any]:
    return {name: _column_value(name, field_value(fields, name)) for name in ANNEX1_FIELDS}


def _column_value(name: str, value: object) -> object:
    if name == "emails":
        return list(value) if isinstance(value, list | tuple) else ([value] if value else [])
    if name == "signature_date" and isinstance(value, str):
        from datetime import date

        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, str):  # PostgreSQL refuses a value longer than its column
        return value[: _column_length(name) or len(value)]
    return value


def _column_length(name: str) -> int | None:
    column = sa_inspect(Application).columns[name]
    return getattr(column.type, "length", None)


def _add_documents(
    session: Session,
    message: MailMessage,
    application: Application,
    attachments: list[ParsedAttachment],
) -> None:
    for item in attachments:
        attachment, document = item.attachment, item.document
        session.add(
            Document(
                mail_message_id=message.id,  # type: ignore[arg-type]
                application_id=application.id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                sha256=attachment.sha256,
                size=len(attachment.data),
                role=document.role,
                format=document.format,
                origin=attachment.origin,
                inline=attachment.inline,
                language=document.language,
                problems=[asdict(problem) for problem in document.problems],
                text=document.text[:200_000],
            )
        )


def _add_fields_and_findings(
    session: Session, application: Application, form: FormData, decision: Decision
) -> None:
    """One INSERT each for many rows: a form has some twenty fields, and building an ORM
    object for each costs more than the rest of the recording. (The ORM's bulk INSERT would
    split the rows by which values are None.)"""
    fields = [
        {
            "application_id": application.id,
            "name": name,
            "value": item.value,
            "confidence": item.confidence,
            "note": item.note,
        }
        for name, item in form.fields.items()
    ]
    now = utcnow()
    findings = [
        {
            "application_id": application.id,
            "code": finding.code,
            "severity": finding.severity,
            "kind": finding.kind,
            "message": finding.message,
            "active": True,
            "overridden": False,
            "override_reason": None,
            "created_at": now,
        }
        for finding in decision.findings
    ]
    connection = session.connection()
    for model, rows in ((ExtractedField, fields), (FindingRecord, findings)):
        if rows:  # the table's own INSERT: one statement for all rows, whatever is None
            connection.execute(insert(model.__table__), rows)  # type: ignore[union-attr]


def _supersede(
    session: Session, earlier: list[Application], newer: Application, *, actor: str
) -> None:
    """Para 13: a later application from the same National Authority replaces the earlier."""
    for old in earlier:
        previous = old.status
        old.status = "superseded"
        old.superseded_by_id = newer.id
        session.add(old)
        crud.audit(
            session,
            actor=actor,
            entity="application",
            entity_id=old.id,
            action="status",
            detail={"from": previous, "to": "superseded", "by": newer.reference},
            reason="a later application from the same National Authority (para 13)",
        )
