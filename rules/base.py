"""What every rule is: a stable code, a kind, a severity, a description and ``check()``.

A rule subclass says whom it concerns (``audience``) and whether it reads the form
(``reads_form``); ``check`` applies those two gates, so each rule only writes
``problem()``: the sentence the applicant reads when the rule hits, or None.
Rules touch no mailbox, network or database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Literal

from rules.model import ApplicationFacts, Finding, Kind, RuleContext, Severity

Audience = Literal["all", "mentees", "mentors"]


class Rule(ABC):
    """One completeness or eligibility rule of SPEC section 4."""

    code: ClassVar[str]
    kind: ClassVar[Kind]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    audience: ClassVar[Audience] = "all"
    # Rules about form contents stay silent when no application form was found:
    # FORM_MISSING already says everything the applicant needs to hear.
    reads_form: ClassVar[bool] = True

    def check(self, facts: ApplicationFacts, ctx: RuleContext) -> list[Finding]:
        """The findings of this rule (with its default severity), empty when it does not hit."""
        if not self.applies_to(facts):
            return []
        message = self.problem(facts, ctx)
        if message is None:
            return []
        return [Finding(code=self.code, severity=self.severity, kind=self.kind, message=message)]

    def applies_to(self, facts: ApplicationFacts) -> bool:
        """Whether the application is one this rule judges at all."""
        if self.reads_form and not facts.has_application_form:
            return False
        if self.audience == "mentees":
            return facts.mode == "seeking"
        if self.audience == "mentors":
            return facts.mode == "offering"
        return True

    @abstractmethod
    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        """The sentence for the applicant when the rule hits, else None."""
