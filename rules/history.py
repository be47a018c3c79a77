"""Rules that read the programme's history: past partnerships and earlier applications.

Past partnerships match the application by ISO 3166-1 alpha-3 code (``state_party_code``),
so "Kenya" and "Republic of Kenya" are the same State Party.

The four-year wait of para 12 counts calendar years from the completion date, compared on
the day the message was received in the programme's time zone: a partnership completed on
10 June 2021 allows a new application from 10 June 2025 (that day included). A completion
on 29 February whose anniversary falls in a non-leap year is counted to 1 March.
"""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date

from common.clock import as_utc
from rules.base import Rule
from rules.cycle import local_date
from rules.model import ApplicationFacts, PastPartnership, RuleContext
from rules.text import long_date, text_of


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a non-leap year."""
    year = day.year + years
    if not MINYEAR <= year <= MAXYEAR:
        return date.max if years > 0 else date.min
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def past_as(facts: ApplicationFacts, ctx: RuleContext, role: str) -> list[PastPartnership]:
    """The State Party's past partnerships in ``role``, newest first."""
    code = text_of(facts.state_party_code).strip().upper()
    if not code:
        return []
    found = [
        past
        for past in ctx.past_partnerships
        if past.role == role and text_of(past.state_party_code).strip().upper() == code
    ]
    return sorted(found, key=lambda past: past.completed_on, reverse=True)


class ReappliedTooSoon(Rule):
    code = "REAPPLIED_TOO_SOON"
    kind = "eligibility"
    severity = "error"
    description = "A mentee partnership of the State Party ended under four years ago (para 12)."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        pasts = past_as(facts, ctx, "mentee")
        if not pasts:
            return None
        completed = pasts[0].completed_on
        allowed_from = add_years(completed, ctx.reapply_after_years)
        if local_date(facts.received_at, ctx.timezone) >= allowed_from:
            return None
        return (
            f"Your State Party completed a partnership as a mentee on {long_date(completed)}. "
            "A National Authority that has benefited from mentorship may apply again not "
            f"earlier than {ctx.reapply_after_years} years after the completion of that "
            f"partnership (para 12 of the call). You are welcome to apply again from "
            f"{long_date(allowed_from)}."
        )


class PriorAssessmentMissing(Rule):
    code = "PRIOR_ASSESSMENT_MISSING"
    kind = "eligibility"
    severity = "error"
    description = "A former mentee applies again without an assessment of the results (para 12)."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        pasts = past_as(facts, ctx, "mentee")
        if not pasts or facts.has_prior_assessment:
            return None
        return (
            "Your State Party has benefited from mentorship before (partnership completed on "
            f"{long_date(pasts[0].completed_on)}), and we did not find an assessment of its "
            "results among the attachments. A National Authority requesting mentorship for a "
            "second time must submit with its application a detailed assessment of the "
            "results achieved, the progress made in implementing the Convention, and how "
            "renewed participation would build on them (para 12 of the call). Please attach it."
        )


class Resubmission(Rule):
    code = "RESUBMISSION"
    kind = "eligibility"
    severity = "info"
    description = "The same National Authority applied before; the earlier one is superseded."
    reads_form = False

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        earlier = sorted(ctx.earlier_applications, key=lambda item: as_utc(item.received_at))
        if not earlier:
            return None
        references = ", ".join(text_of(item.reference) for item in earlier[-5:])
        return (
            f"Your National Authority has applied before (reference {references}). This "
            "application replaces the earlier one, which will no longer be considered "
            "(para 13 of the call)."
        )


class FormerMenteeOffering(Rule):
    code = "FORMER_MENTEE_OFFERING"
    kind = "eligibility"
    severity = "info"
    description = "A former mentee now offers mentorship (para 11)."
    audience = "mentors"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        pasts = past_as(facts, ctx, "mentee")
        if not pasts:
            return None
        return (
            "Your State Party benefited from mentorship in a partnership completed on "
            f"{long_date(pasts[0].completed_on)} and now offers mentorship, as para 11 of the "
            "call encourages."
        )
