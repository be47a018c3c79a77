"""Plain application facts for rule tests: a complete mentee and a complete mentor.

Each test changes only what it is about, so a finding can only come from that change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from parsers.model import ThematicArea
from rules.model import ApplicationFacts, Finding

RECEIVED = datetime(2025, 5, 15, 6, 13, 22, tzinfo=UTC)

MENTEE_JUSTIFICATION = (
    "Our National Authority was established in 2004 and coordinates the implementation of "
    "the Convention with customs, the ministry of industry and the police. A needs assessment "
    "carried out in 2024 found that our implementing legislation is incomplete, that our "
    "declarations are often late, and that customs officers lack training on scheduled "
    "chemicals. Our national action plan sets out how we intend to close these gaps."
)
MENTOR_JUSTIFICATION = (
    "For more than nineteen years our National Authority has implemented the Convention "
    "through a comprehensive legal framework. We can share our experience in drafting "
    "implementing legislation, in receiving OPCW inspections of our chemical industry, and in "
    "controlling the import and export of scheduled chemicals with our customs service, as "
    "well as in education and outreach towards universities and industry."
)


def area(number: int | None, **changes: Any) -> ThematicArea:
    """A fully filled Annex 2 row."""
    row = ThematicArea(
        number=number,
        title=f"Area {number}",
        outputs="Two workshops held",
        output_indicators="Number of participants",
        outcomes="Draft law adopted",
        outcome_indicators="Law published",
    )
    return replace(row, **changes)


def mentee(**changes: Any) -> ApplicationFacts:
    """A complete application from a National Authority seeking mentorship."""
    facts = ApplicationFacts(
        received_at=RECEIVED,
        sender="m.ivanova@mfa.bg",
        recipients=("ipb@opcw.org", "solomon.haile@opcw.org"),
        has_attachments=True,
        has_application_form=True,
        has_results_framework=True,
        state_party="Bulgaria",
        state_party_code="BGR",
        national_authority="National Chemical Weapons Convention Authority",
        contact_person="Ms Maria Ivanova",
        phone="+359 2 948 2000",
        emails=("m.ivanova@mfa.bg",),
        mode="seeking",
        mode_ticks=("seeking",),
        sponsorship_required=True,
        justification=MENTEE_JUSTIFICATION,
        preferred_partner="Romania, whose agreement we have sought",
        first_visit_timeline="February 2026",
        expected_results="Result 1: a draft implementing law, verified by its adoption.",
        signed=True,
        signature_date=date(2025, 5, 10),
        thematic_areas=(area(1), area(2), area(7)),
        review_cycle="2025-Q2",
    )
    return replace(facts, **changes)


def mentor(**changes: Any) -> ApplicationFacts:
    """A complete application from a National Authority offering mentorship."""
    offering = {
        "mode": "offering",
        "mode_ticks": ("offering",),
        "justification": MENTOR_JUSTIFICATION,
        "expected_results": None,
        "has_results_framework": False,
        "thematic_areas": (),
        "state_party": "Czechia",
        "state_party_code": "CZE",
    }
    return mentee(**{**offering, **changes})


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    return [finding.code for finding in findings]
