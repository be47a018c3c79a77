"""From what the forms say and what the message says to what the rules read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from intake.model import ParsedMessage
from parsers.model import FieldValue, FormData, ThematicArea
from parsers.normalise import lookup_state_party
from rules.model import ApplicationFacts

NON_FORM_PROBLEMS = {"PARSE_FAILED", "PARSE_LIMIT", "ENCRYPTED"}
# read, but not well enough to answer the applicant without a person looking
DOUBTFUL_PROBLEMS = {"LOW_CONFIDENCE", "CONVERSION_UNAVAILABLE"}
OCR_FORMATS = {"pdf-scan", "image"}  # formats read by OCR (parsers.model.ExtractedDocument)


def field_value(fields: dict[str, FieldValue], name: str) -> Any:
    item = fields.get(name)
    return None if item is None else item.value


@dataclass(frozen=True)
class DocumentSummary:
    """What the rules need to know of one attachment, read now or from the database."""

    filename: str
    role: str
    format: str
    problems: tuple[tuple[str, str], ...]  # (code, message)


def doubtful_documents(documents: list[DocumentSummary], *, forms_missing: bool) -> tuple[str, ...]:
    """The documents a person must read, each with the reason.

    A scan recognised with low confidence, or a legacy file that could not be converted,
    is never answered automatically. A scan that OCR could not recognise as any form counts
    too while a form is missing: it may well be that form (a scanned cover letter beside
    complete forms does not hold the application up).
    """
    found: list[str] = []
    for doc in documents:
        reasons = [message for code, message in doc.problems if code in DOUBTFUL_PROBLEMS]
        if not reasons and forms_missing and doc.role == "other" and doc.format in OCR_FORMATS:
            reasons = ["a scan that OCR could not recognise as either form"]
        found += [
            reason if doc.filename in reason else f"{doc.filename}: {reason}" for reason in reasons
        ]
    return tuple(found)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def build_facts(
    *,
    message: ParsedMessage,
    form: FormData,
    received_at: datetime,
    review_cycle: str | None,
    has_attachments: bool,
    min_confidence: float,
    doubtful_documents: tuple[str, ...] = (),
) -> ApplicationFacts:
    """The facts of one application; ``has_attachments`` counts only real attachments."""
    fields = form.fields
    state_party = field_value(fields, "state_party")
    known = lookup_state_party(state_party) if state_party else None
    low = tuple(sorted(name for name, item in fields.items() if item.confidence < min_confidence))
    return ApplicationFacts(
        received_at=received_at,
        sender=message.sender,
        recipients=tuple(address.lower() for address in (*message.to, *message.cc)),
        has_attachments=has_attachments,
        has_application_form=form.has_application_form,
        has_results_framework=form.has_results_framework,
        has_prior_assessment=form.has_prior_assessment,
        unrecognised_attachments=has_attachments and not form.has_application_form,
        state_party=state_party,
        state_party_code=known.code if known else None,
        national_authority=field_value(fields, "national_authority"),
        contact_person=field_value(fields, "contact_person"),
        phone=field_value(fields, "phone"),
        emails=_as_tuple(field_value(fields, "emails")),
        mode=field_value(fields, "mode"),
        mode_ticks=_as_tuple(field_value(fields, "mode_ticks")),
        sponsorship_required=field_value(fields, "sponsorship_required"),
        justification=field_value(fields, "justification"),
        preferred_partner=field_value(fields, "preferred_partner"),
        first_visit_timeline=field_value(fields, "first_visit_timeline"),
        expected_results=field_value(fields, "expected_results"),
        signed=field_value(fields, "signed"),
        signature_date=_as_date(field_value(fields, "signature_date")),
        thematic_areas=form.thematic_areas,
        low_confidence_fields=low,
        parser_failed=any(problem.code in NON_FORM_PROBLEMS for problem in form.problems),
        doubtful_documents=doubtful_documents,
        review_cycle=review_cycle,
    )


def areas_as_json(areas: tuple[ThematicArea, ...]) -> list[dict[str, Any]]:
    return [asdict(area) for area in areas]
