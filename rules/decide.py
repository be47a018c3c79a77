"""The status decision of SPEC section 2: run the rules, then walk the decision table.

The table lists conditions in order of precedence (needs_review, then ineligible, then
incomplete, then complete). The interpreter tests every condition, records each one that
holds as a reason, and the first that holds decides. ``superseded`` is never decided
here: the pipeline gives it to the older application when a newer one arrives.

A rule that raises does not lose the application: it is recorded as a reason and the
application goes to a person (needs_review).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from rules.base import Rule
from rules.model import ApplicationFacts, Decision, Finding, RuleContext, Severity, Status
from rules.registry import RULES

logger = logging.getLogger(__name__)

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Evidence:
    """What the decision table reads: the facts, the findings and any rule that broke."""

    facts: ApplicationFacts
    findings: tuple[Finding, ...]
    broken_rules: tuple[str, ...] = ()

    def has(self, code: str) -> bool:
        return any(finding.code == code for finding in self.findings)

    def errors(self, kind: str) -> list[str]:
        return [f.code for f in self.findings if f.severity == "error" and f.kind == kind]


Condition = Callable[[Evidence], str | None]  # the reason when it holds, else None


@dataclass(frozen=True)
class Link:
    status: Status
    condition: Condition


def _parser_failed(evidence: Evidence) -> str | None:
    return "a document could not be read" if evidence.facts.parser_failed else None


def _rule_broke(evidence: Evidence) -> str | None:
    broken = evidence.broken_rules
    return f"rules could not be checked: {', '.join(broken)}" if broken else None


def _low_confidence(evidence: Evidence) -> str | None:
    fields = evidence.facts.low_confidence_fields
    if not fields or not isinstance(fields, list | tuple):
        return None
    return f"fields read with low confidence: {', '.join(str(name) for name in fields)}"


def _doubtful_documents(evidence: Evidence) -> str | None:
    documents = evidence.facts.doubtful_documents
    if not documents or not isinstance(documents, list | tuple):
        return None
    return f"a person must read: {'; '.join(str(text) for text in documents)}"


def _signature_unverified(evidence: Evidence) -> str | None:
    if not evidence.has("SIGNATURE_UNVERIFIED"):
        return None
    return "whether the form is signed cannot be told (SIGNATURE_UNVERIFIED)"


def _form_not_recognised(evidence: Evidence) -> str | None:
    if not (evidence.has("FORM_MISSING") and evidence.facts.unrecognised_attachments):
        return None
    return "no application form found, but attachments could not be recognised (FORM_MISSING)"


def _eligibility_errors(evidence: Evidence) -> str | None:
    codes = evidence.errors("eligibility")
    return f"eligibility errors: {', '.join(codes)}" if codes else None


def _completeness_errors(evidence: Evidence) -> str | None:
    codes = evidence.errors("completeness")
    return f"completeness errors: {', '.join(codes)}" if codes else None


def _no_error(evidence: Evidence) -> str | None:
    if any(finding.severity == "error" for finding in evidence.findings):
        return None
    return "no error finding"


DECISION_TABLE: tuple[Link, ...] = (
    Link("needs_review", _parser_failed),
    Link("needs_review", _rule_broke),
    Link("needs_review", _low_confidence),
    Link("needs_review", _doubtful_documents),
    Link("needs_review", _signature_unverified),
    Link("needs_review", _form_not_recognised),
    Link("ineligible", _eligibility_errors),
    Link("incomplete", _completeness_errors),
    Link("complete", _no_error),
)


def decide(
    evidence: Evidence, table: tuple[Link, ...] = DECISION_TABLE
) -> tuple[Status, tuple[str, ...]]:
    """Walk the table: the first condition that holds decides; every one that holds is a reason."""
    status: Status | None = None
    reasons: list[str] = []
    for link in table:
        reason = link.condition(evidence)
        if reason is None:
            continue
        reasons.append(f"{link.status}: {reason}")
        status = status or link.status
    if status is None:  # a table without a final catch-all: a person decides
        return "needs_review", (*reasons, "needs_review: no condition of the table held")
    return status, tuple(reasons)


def run_rules(
    facts: ApplicationFacts, ctx: RuleContext, rules: tuple[Rule, ...] = RULES
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """The findings of every enabled rule (severity overrides applied) and the rules that broke."""
    disabled = {code.strip().upper() for code in ctx.disabled_rules}
    overrides = {code.strip().upper(): level for code, level in ctx.severity_overrides.items()}
    findings: list[Finding] = []
    broken: list[str] = []
    for rule in rules:
        if rule.code in disabled:
            continue
        try:
            hits = rule.check(facts, ctx)
        except Exception:  # a bug in one rule must not stop the others or lose the message
            logger.exception("rule %s failed", rule.code)
            broken.append(rule.code)
            continue
        findings.extend(_with_override(finding, overrides) for finding in hits)
    return tuple(findings), tuple(broken)


def _with_override(finding: Finding, overrides: dict[str, Severity]) -> Finding:
    severity = overrides.get(finding.code)
    if severity not in SEVERITIES or severity == finding.severity:
        return finding
    return replace(finding, severity=severity)


def evaluate(facts: ApplicationFacts, ctx: RuleContext) -> Decision:
    """Run the rules and decide the status, recording why."""
    findings, broken = run_rules(facts, ctx)
    status, reasons = decide(Evidence(facts, findings, broken))
    return Decision(status=status, findings=findings, reasons=reasons)
