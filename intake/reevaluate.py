"""Running the rules again on a recorded application (after a correction or a history import).

The change in findings and status is recorded in the audit log. A reply already sent is not
sent again; staff send a new one from the web interface if they want to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from common.clock import utcnow
from common.settings import Settings
from db import crud
from db.models import Application, Document, ExtractedField, FindingRecord, MailMessage
from intake.facts import NON_FORM_PROBLEMS, DocumentSummary, doubtful_documents
from intake.recording import rule_context
from parsers.model import ANNEX1_FIELDS, ThematicArea
from parsers.normalise import lookup_state_party
from rules.decide import evaluate
from rules.model import ApplicationFacts, Decision

EDITABLE_FIELDS = ANNEX1_FIELDS  # every answer of the form; derived values follow them


@dataclass(frozen=True)
class Reevaluation:
    status_before: str
    status_after: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


def facts_of(session: Session, application: Application, settings: Settings) -> ApplicationFacts:
    message = session.get_one(MailMessage, application.mail_message_id)
    documents = session.exec(
        select(Document).where(Document.application_id == application.id)
    ).all()
    real = [doc for doc in documents if not doc.inline]
    roles = {doc.role for doc in real}
    corrected = _corrected_fields(session, application)
    low = session.exec(
        select(ExtractedField.name).where(
            ExtractedField.application_id == application.id,
            col(ExtractedField.confidence) < settings.rules.min_field_confidence,
        )
    ).all()
    known = lookup_state_party(application.state_party) if application.state_party else None
    has_form = "application_form" in roles
    has_framework = "results_framework" in roles or bool(application.thematic_areas)
    summaries = [
        DocumentSummary(
            doc.filename,
            doc.role,
            doc.format,
            tuple((str(p.get("code")), str(p.get("message"))) for p in doc.problems),
        )
        for doc in real
    ]
    return ApplicationFacts(
        received_at=application.received_at,
        sender=message.sender,
        recipients=tuple(address.lower() for address in message.recipients or []),
        has_attachments=bool(real),
        has_application_form=has_form,
        has_results_framework=has_framework,
        has_prior_assessment="prior_assessment" in roles,
        unrecognised_attachments=bool(real) and "application_form" not in roles,
        state_party=application.state_party,
        state_party_code=known.code if known else None,
        national_authority=application.national_authority,
        contact_person=application.contact_person,
        phone=application.phone,
        emails=tuple(application.emails or ()),
        mode=application.mode,  # type: ignore[arg-type]
        mode_ticks=tuple(application.mode_ticks or ()),
        sponsorship_required=application.sponsorship_required,
        justification=application.justification,
        preferred_partner=application.preferred_partner,
        first_visit_timeline=application.first_visit_timeline,
        expected_results=application.expected_results,
        signed=application.signed,
        signature_date=application.signature_date,
        thematic_areas=tuple(ThematicArea(**area) for area in application.thematic_areas or []),
        low_confidence_fields=tuple(name for name in low if name not in corrected),
        parser_failed=any(
            problem.get("code") in NON_FORM_PROBLEMS for doc in real for problem in doc.problems
        ),
        doubtful_documents=doubtful_documents(
            summaries, forms_missing=not (has_form and has_framework)
        ),
        review_cycle=application.review_cycle,
    )


def _corrected_fields(session: Session, application: Application) -> set[str]:
    rows = crud.audit_entries(
        session=session, entity="application", entity_id=application.id, action="field_corrected"
    )
    return {str(row.detail.get("field")) for row in rows}


def reevaluate(
    session: Session, application: Application, settings: Settings, *, actor: str
) -> Reevaluation:
    """Run the rules on the current values; retire findings that no longer hold."""
    earlier = [
        app
        for app in crud.earlier_applications(
            session=session,
            state_party_code=application.state_party_code,
            national_authority=application.national_authority,
        )
        if app.id != application.id and app.received_at < application.received_at
    ]
    decision = evaluate(
        facts_of(session, application, settings), rule_context(session, settings, earlier)
    )
    change = _apply(session, application, decision)
    crud.audit(
        session,
        actor=actor,
        entity="application",
        entity_id=application.id,
        action="reevaluated",
        detail={
            "status_before": change.status_before,
            "status_after": change.status_after,
            "added": list(change.added),
            "removed": list(change.removed),
        },
    )
    return change


def _apply(session: Session, application: Application, decision: Decision) -> Reevaluation:
    active = session.exec(
        select(FindingRecord).where(
            FindingRecord.application_id == application.id, col(FindingRecord.active).is_(True)
        )
    ).all()
    old_codes = {row.code: row for row in active}
    new_codes = {finding.code: finding for finding in decision.findings}
    for code, row in old_codes.items():
        if code not in new_codes or row.message != new_codes[code].message:
            row.active = False
            session.add(row)
    for code, finding in new_codes.items():
        if code not in old_codes or old_codes[code].message != finding.message:
            session.add(
                FindingRecord(
                    application_id=application.id,  # type: ignore[arg-type]
                    code=code,
                    severity=finding.severity,
                    kind=finding.kind,
                    message=finding.message,
                )
            )
    before = application.status
    if before != "superseded" and not _status_decided_by_staff(session, application):
        application.status = decision.status
    application.decision_reasons = list(decision.reasons)
    application.updated_at = utcnow()
    session.add(application)
    return Reevaluation(
        before,
        application.status,
        tuple(sorted(set(new_codes) - set(old_codes))),
        tuple(sorted(set(old_codes) - set(new_codes))),
    )


AUTOMATIC_ACTORS = frozenset({"pipeline", "worker", "cli", "demo"})


def _status_decided_by_staff(session: Session, application: Application) -> bool:
    """A status a person set stays until a person changes it; the rules only advise."""
    rows = crud.audit_entries(
        session=session, entity="application", entity_id=application.id, action="status"
    )
    return any(row.actor not in AUTOMATIC_ACTORS for row in rows)


def correct_field(
    session: Session,
    application: Application,
    settings: Settings,
    *,
    field: str,
    value: object,
    actor: str,
    reason: str | None = None,
) -> Reevaluation:
    """Staff correct one field; the rules run again and both steps are audited."""
    if field not in EDITABLE_FIELDS:
        raise ValueError(f"{field!r} cannot be corrected")
    before = getattr(application, field)
    if field == "signature_date" and isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    setattr(application, field, value)
    if field == "mode":  # the correction replaces every tick the parser saw
        application.mode_ticks = [str(value)] if value else []
    if field == "state_party":
        known = lookup_state_party(str(value)) if value else None
        application.state_party_code = known.code if known else None
        application.region = known.region if known else None
    crud.audit(
        session,
        actor=actor,
        entity="application",
        entity_id=application.id,
        action="field_corrected",
        detail={"field": field, "from": _plain(before), "to": _plain(value)},
        reason=reason,
    )
    return reevaluate(session, application, settings, actor=actor)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def reevaluate_state_parties(
    session: Session, codes: set[str], settings: Settings, *, actor: str
) -> list[tuple[str, Reevaluation]]:
    """Run the rules again on every live application of these State Parties (history changed)."""
    if not codes:
        return []
    applications = session.exec(
        select(Application)
        .where(col(Application.state_party_code).in_(sorted(codes)))
        .where(Application.status != "superseded")
        .order_by(col(Application.received_at))
    ).all()
    return [
        (app.reference, reevaluate(session, app, settings, actor=actor)) for app in applications
    ]
