"""FORM_MISSING: no application form (Annex 1) among the attachments."""

from __future__ import annotations

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext


class FormMissing(Rule):
    code = "FORM_MISSING"
    kind = "completeness"
    severity = "error"
    description = "No application form (Annex 1) among the attachments."
    reads_form = False

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if facts.has_application_form:
            return None
        return (
            "We did not find the application form (Annex 1) among the attachments of your "
            "message. Please send the completed and signed application form (Annex 1), "
            "together with the results framework (Annex 2) if you are seeking mentorship, "
            "as Word or PDF attachments."
        )
