"""Section 5 of the application form (Annex 1): signature of the Head of the National Authority.

``signed`` is True, False (certainly unsigned) or None (it cannot be told, e.g. on a scan).
"""

from __future__ import annotations

from datetime import date

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext


class SignatureMissing(Rule):
    code = "SIGNATURE_MISSING"
    kind = "completeness"
    severity = "error"
    description = "Section 5 is certainly unsigned (paras 9 and 10)."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if facts.signed is not False:
            return None
        return (
            "Section 5 of the application form (Annex 1), the authorisation, is not signed. "
            "The form must be signed, with seal or stamp, by the Head of the National "
            "Authority (paras 9 and 10 of the call). Please send a signed copy."
        )


class SignatureUnverified(Rule):
    code = "SIGNATURE_UNVERIFIED"
    kind = "completeness"
    severity = "warning"
    description = "Whether section 5 is signed cannot be told; a person checks it."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if isinstance(facts.signed, bool):
            return None
        return (
            "We could not tell automatically whether section 5 of the application form "
            "(Annex 1) is signed by the Head of the National Authority; a member of staff "
            "will check it. No action is needed from you for now."
        )


class SignatureDateMissing(Rule):
    code = "SIGNATURE_DATE_MISSING"
    kind = "completeness"
    severity = "warning"
    description = "Section 5 has no date."

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if isinstance(facts.signature_date, date):
            return None
        return (
            "Section 5 of the application form (Annex 1) has no date next to the signature. "
            "Please date the form when it is signed."
        )
