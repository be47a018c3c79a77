"""Sections 3 and 4 of the application form (Annex 1): preferences and expected results."""

from __future__ import annotations

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext
from rules.text import filled


class PreferencesMissing(Rule):
    code = "PREFERENCES_MISSING"
    kind = "completeness"
    severity = "warning"
    description = "Section 3 (preferred partner and first-visit timeline) is empty."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.preferred_partner) or filled(facts.first_visit_timeline):
            return None
        return (
            "Section 3 of the application form (Annex 1), preferences and timelines, is "
            "empty. Please say which National Authority you would prefer as a partner (3.1) "
            "and when you suggest the first visit could take place (3.2)."
        )


class ExpectedResultsMissing(Rule):
    code = "EXPECTED_RESULTS_MISSING"
    kind = "completeness"
    severity = "error"
    description = "A mentee's section 4, the expected results, is empty (para 9)."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.expected_results):
            return None
        return (
            "Section 4 of the application form (Annex 1), the expected results, is empty. "
            "National Authorities seeking mentorship must describe each expected result of "
            "the Programme and how it will be verified (para 9 of the call)."
        )
