"""The plain data rules read and write. Rules touch no mailbox, network or database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from parsers.model import ThematicArea

Severity = Literal["error", "warning", "info"]
Kind = Literal["completeness", "eligibility"]
Status = Literal["complete", "incomplete", "ineligible", "needs_review", "superseded"]
Mode = Literal["offering", "seeking"]


@dataclass(frozen=True)
class Finding:
    """One rule hit. ``message`` is the sentence the applicant and staff read."""

    code: str
    severity: Severity
    kind: Kind
    message: str


@dataclass(frozen=True)
class ApplicationFacts:
    """An application as the rules see it: the merged form fields plus the message facts."""

    received_at: datetime  # timezone-aware
    sender: str
    recipients: tuple[str, ...] = ()  # To + Cc addresses of the message, lower-case
    has_attachments: bool = False
    has_application_form: bool = False
    has_results_framework: bool = False
    has_prior_assessment: bool = False
    unrecognised_attachments: bool = False  # attachments present, none recognised as a form
    state_party: str | None = None
    state_party_code: str | None = None
    national_authority: str | None = None
    contact_person: str | None = None
    phone: str | None = None
    emails: tuple[str, ...] = ()
    mode: Mode | None = None
    mode_ticks: tuple[str, ...] = ()  # every mode ticked, so both-ticked is visible
    sponsorship_required: bool | None = None
    justification: str | None = None
    preferred_partner: str | None = None
    first_visit_timeline: str | None = None
    expected_results: str | None = None
    signed: bool | None = None
    signature_date: date | None = None
    thematic_areas: tuple[ThematicArea, ...] = ()
    low_confidence_fields: tuple[str, ...] = ()  # fields read with confidence under threshold
    parser_failed: bool = False  # a document could not be parsed at all
    # documents a person must read: a scan recognised with low confidence, a legacy format
    # that could not be converted (each entry says which document and why)
    doubtful_documents: tuple[str, ...] = ()
    review_cycle: str | None = None


@dataclass(frozen=True)
class PastPartnership:
    state_party_code: str
    role: Literal["mentee", "mentor"]
    completed_on: date


@dataclass(frozen=True)
class EarlierApplication:
    """An application already recorded from the same State Party / National Authority."""

    reference: str
    received_at: datetime
    status: Status


@dataclass(frozen=True)
class RuleContext:
    """What the rules know besides the application: history and configuration."""

    timezone: str = "Europe/Amsterdam"
    programme_address: str = "ipb@opcw.org"
    officer_address: str = "solomon.haile@opcw.org"
    programme_start: date = date(2025, 1, 1)
    programme_end: date = date(2027, 12, 31)
    reapply_after_years: int = 4
    justification_min_words: int = 40
    visit_notice_weeks: int = 8
    past_partnerships: tuple[PastPartnership, ...] = ()
    earlier_applications: tuple[EarlierApplication, ...] = ()
    disabled_rules: frozenset[str] = frozenset()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The status with the reasons: which rules hit, which needs_review conditions held."""

    status: Status
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]  # human-readable, e.g. "needs_review: signature cannot be verified"
