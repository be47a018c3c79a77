"""Section 2 of the application form (Annex 1): justification and needs analysis."""

from __future__ import annotations

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext
from rules.text import filled, word_count
from rules.thematic_areas import areas_named


class JustificationMissing(Rule):
    code = "JUSTIFICATION_MISSING"
    kind = "completeness"
    severity = "error"
    description = "Section 2, the justification and needs analysis, is empty."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if filled(facts.justification):
            return None
        return (
            "Section 2 of the application form (Annex 1), the justification and needs "
            "analysis, is empty. Please describe why your National Authority wishes to take "
            "part in the Programme: your needs and their justification if you seek "
            "mentorship, or the thematic areas and experience you offer if you offer it."
        )


class JustificationThin(Rule):
    code = "JUSTIFICATION_THIN"
    kind = "completeness"
    severity = "warning"
    description = "Section 2 has fewer words than the configured minimum (40 by default)."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        words = word_count(facts.justification)
        if not filled(facts.justification) or words >= ctx.justification_min_words:
            return None
        return (
            f"Section 2 of the application form (Annex 1), the justification and needs "
            f"analysis, has only {words} words. Please describe your motivation, needs and "
            "plans in more detail (at least a short paragraph), as the quality of the "
            "application is a criterion for selection."
        )


class OfferAreasUnclear(Rule):
    """Para 10: a mentor should name the thematic areas in which it offers its experience.

    An empty section 2 is JUSTIFICATION_MISSING's to report, so this rule stays silent then.
    """

    code = "OFFER_AREAS_UNCLEAR"
    kind = "completeness"
    severity = "warning"
    description = "A mentor's section 2 names none of the thematic areas of para 3."
    audience = "mentors"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if not filled(facts.justification) or areas_named(facts.justification):
            return None
        return (
            "Section 2 of the application form (Annex 1) does not name the thematic areas in "
            "which your National Authority offers mentorship. Please name them, for example "
            "implementing legislation, chemical safety and security, inspections, import and "
            "export controls, assistance and protection, or education and outreach."
        )
