"""VISIT_TIMELINE_TOO_SOON: the suggested first visit comes before its review can allow it.

An application is reviewed at the end of its cycle's quarter (para 14), and visit dates
must reach the Secretariat at least eight weeks before travel (para 5). So the earliest
day a first visit can be organised is the review day plus ``visit_notice_weeks``.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.base import Rule
from rules.cycle import local_date, parse_cycle, review_cycle, review_date
from rules.model import ApplicationFacts, RuleContext
from rules.text import long_date, month_year, quote
from rules.visit_dates import earliest_visit_date


def cycle_of(facts: ApplicationFacts, ctx: RuleContext) -> str:
    """The application's review cycle: as recorded when valid, else from ``received_at``."""
    if isinstance(facts.review_cycle, str):
        try:
            parse_cycle(facts.review_cycle)
        except ValueError:
            pass
        else:
            return facts.review_cycle.strip()
    return review_cycle(facts.received_at, ctx.timezone)


def earliest_first_visit(facts: ApplicationFacts, ctx: RuleContext) -> date:
    """The first day a visit could take place: review day plus the notice period."""
    try:
        return review_date(cycle_of(facts, ctx)) + timedelta(weeks=ctx.visit_notice_weeks)
    except OverflowError:
        return date.max


class VisitTimelineTooSoon(Rule):
    code = "VISIT_TIMELINE_TOO_SOON"
    kind = "eligibility"
    severity = "warning"
    description = "The suggested first visit falls before the review plus eight weeks."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        received_on = local_date(facts.received_at, ctx.timezone)
        suggested = earliest_visit_date(facts.first_visit_timeline, received_on=received_on)
        if suggested is None:
            return None
        possible = earliest_first_visit(facts, ctx)
        if suggested >= possible:
            return None
        review = review_date(cycle_of(facts, ctx))
        return (
            f"The first visit suggested in section 3.2 of the application form (Annex 1), "
            f'"{quote(facts.first_visit_timeline)}", would take place before '
            f"{long_date(possible)}. Your application will be reviewed at the end of "
            f"{month_year(review)}, and visit dates must be communicated at least "
            f"{ctx.visit_notice_weeks} weeks before travel (paras 5 and 14 of the call). "
            f"Please plan the first visit on or after {long_date(possible)}."
        )
