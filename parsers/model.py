"""What a parser gives back: plain frozen data, no I/O.

A field is absent from ``ExtractedDocument.fields`` when the document does not hold the
label at all; it is present with ``value=None`` when the label is there but the answer is
empty or cannot be told (an unclear tick). ``confidence`` is 0..1: 1.0 for values read
from a text layer or the document XML, the OCR confidence for scans. On a scanned form
every Annex 1 field is present: one whose label OCR did not find has confidence 0, and
what OCR cannot establish gets a low one (see ``parsers.scan_fields``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DocumentRole = Literal["application_form", "results_framework", "prior_assessment", "other"]

# The Annex 1 fields of SPEC section 3, in form order.
ANNEX1_FIELDS: tuple[str, ...] = (
    "national_authority",
    "state_party",
    "contact_person",
    "phone",
    "emails",
    "mode",
    "sponsorship_required",
    "justification",
    "preferred_partner",
    "first_visit_timeline",
    "expected_results",
    "signed",
    "signature_date",
)


@dataclass(frozen=True)
class FieldValue:
    """One extracted answer: ``value`` is str, bool, list[str], an ISO date string or None."""

    value: Any
    confidence: float = 1.0
    note: str | None = None  # how it was read, for staff ("content-control checkbox", "OCR")


@dataclass(frozen=True)
class ThematicArea:
    """One row of the Annex 2 results framework that has any content."""

    number: int | None  # 1..8 for the template rows, None for a row the applicant added
    title: str | None
    outputs: str | None
    output_indicators: str | None
    outcomes: str | None
    outcome_indicators: str | None


@dataclass(frozen=True)
class ParseProblem:
    """Something a parser could not do; becomes a finding or a needs_review reason.

    ``code`` is one of: PARSE_FAILED, PARSE_LIMIT, ENCRYPTED, UNSUPPORTED_FORMAT,
    CHECKBOX_UNCLEAR, LOW_CONFIDENCE, CONVERSION_UNAVAILABLE.
    """

    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything read from one attachment."""

    filename: str
    role: DocumentRole
    fields: dict[str, FieldValue] = field(default_factory=dict)
    thematic_areas: tuple[ThematicArea, ...] = ()
    language: str | None = None  # "en", "fr", "es" (the form's language)
    problems: tuple[ParseProblem, ...] = ()
    text: str = ""  # plain text, for staff and search (may be truncated)
    # "docx", "pdf-text", "pdf-form", "pdf-scan", "image", "doc", "odt", "rtf", "text",
    # "other": what the file really is (a scan or a picture is read by OCR)
    format: str = "unknown"


@dataclass(frozen=True)
class FormData:
    """The application as the forms of one message say it: all documents merged."""

    fields: dict[str, FieldValue]
    thematic_areas: tuple[ThematicArea, ...]
    language: str | None
    has_application_form: bool
    has_results_framework: bool
    has_prior_assessment: bool
    problems: tuple[ParseProblem, ...]
