"""Rules about the message itself rather than the form: when it came and whom it was sent to."""

from __future__ import annotations

from email.utils import parseaddr

from rules.base import Rule
from rules.cycle import local_date
from rules.model import ApplicationFacts, RuleContext
from rules.text import long_date, text_of


class OutsideProgrammePeriod(Rule):
    """The day of receipt counts in the programme's time zone, not in UTC."""

    code = "OUTSIDE_PROGRAMME_PERIOD"
    kind = "eligibility"
    severity = "warning"
    description = "Received outside the programme period (2025 to 2027 by default)."
    reads_form = False

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        received_on = local_date(facts.received_at, ctx.timezone)
        if ctx.programme_start <= received_on <= ctx.programme_end:
            return None
        return (
            f"Your application was received on {long_date(received_on)}, outside the period "
            f"of the Programme ({long_date(ctx.programme_start)} to "
            f"{long_date(ctx.programme_end)}). Please check the current call for expressions "
            "of interest before applying."
        )


class NotCopiedToOfficer(Rule):
    code = "NOT_COPIED_TO_OFFICER"
    kind = "completeness"
    severity = "info"
    description = "The message was not copied to the programme officer (para 15)."
    reads_form = False

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        officer = ctx.officer_address.strip().lower()
        if not officer or officer in _addresses(facts.recipients):
            return None
        return (
            f"Your message was not copied to the programme officer ({ctx.officer_address}), "
            "as para 15 of the call asks. Please copy that address in future correspondence."
        )


def _addresses(recipients: object) -> set[str]:
    """Bare lower-case addresses, whether given bare or as "Name <address>"."""
    items = recipients if isinstance(recipients, list | tuple) else (recipients,)
    found = set()
    for item in items:
        text = text_of(item).strip().lower()
        found.update({text, parseaddr(text)[1].strip()})
    return found
