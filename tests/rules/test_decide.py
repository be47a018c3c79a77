"""The status decision of SPEC section 2 and its precedence."""

from __future__ import annotations

from datetime import date

from rules.base import Rule
from rules.decide import DECISION_TABLE, Evidence, decide, evaluate, run_rules
from rules.form_present import FormMissing
from rules.model import ApplicationFacts, PastPartnership, RuleContext
from tests.rules.builders import area, codes, mentee

CTX = RuleContext()
RECENT_MENTEE = RuleContext(past_partnerships=(PastPartnership("BGR", "mentee", date(2024, 1, 1)),))


def test_complete_application() -> None:
    decision = evaluate(mentee(), CTX)
    assert decision.status == "complete"
    assert decision.findings == ()
    assert decision.reasons == ("complete: no error finding",)


def test_warnings_and_info_do_not_block_the_acknowledgement() -> None:
    facts = mentee(
        recipients=("ipb@opcw.org",),
        thematic_areas=(area(1), area(2), area(8, output_indicators=None)),
    )
    decision = evaluate(facts, CTX)
    assert decision.status == "complete"
    assert codes(decision.findings) == ["INDICATORS_MISSING", "NOT_COPIED_TO_OFFICER"]


def test_a_completeness_error_makes_it_incomplete() -> None:
    decision = evaluate(mentee(expected_results=None), CTX)
    assert decision.status == "incomplete"
    assert decision.reasons == ("incomplete: completeness errors: EXPECTED_RESULTS_MISSING",)


def test_ineligible_wins_over_incomplete_and_both_are_recorded() -> None:
    decision = evaluate(mentee(expected_results=None), RECENT_MENTEE)
    assert decision.status == "ineligible"
    assert decision.reasons[0].startswith("ineligible: eligibility errors: REAPPLIED_TOO_SOON")
    assert decision.reasons[1] == "incomplete: completeness errors: EXPECTED_RESULTS_MISSING"


def test_needs_review_wins_over_ineligible() -> None:
    decision = evaluate(mentee(signed=None), RECENT_MENTEE)
    assert decision.status == "needs_review"
    assert "SIGNATURE_UNVERIFIED" in decision.reasons[0]
    assert any(reason.startswith("ineligible:") for reason in decision.reasons)


def test_needs_review_when_a_parser_failed() -> None:
    decision = evaluate(mentee(parser_failed=True), CTX)
    assert (decision.status, decision.reasons[0]) == (
        "needs_review",
        "needs_review: a document could not be read",
    )


def test_needs_review_for_low_confidence_fields() -> None:
    decision = evaluate(mentee(low_confidence_fields=("mode", "signed")), CTX)
    assert decision.status == "needs_review"
    assert decision.reasons[0] == "needs_review: fields read with low confidence: mode, signed"


def test_a_document_a_person_must_read_holds_even_a_complete_application() -> None:
    assert evaluate(mentee(), CTX).status == "complete"
    doubt = "annex2.pdf: the scan's text was recognised with low confidence (44%)"
    decision = evaluate(mentee(doubtful_documents=(doubt,)), CTX)
    assert decision.status == "needs_review"
    assert decision.reasons[0] == f"needs_review: a person must read: {doubt}"


def test_form_missing_with_unrecognised_attachments_needs_review() -> None:
    facts = ApplicationFacts(
        received_at=mentee().received_at,
        sender="x@mfa.bg",
        recipients=("ipb@opcw.org", "solomon.haile@opcw.org"),
        has_attachments=True,
        unrecognised_attachments=True,
    )
    decision = evaluate(facts, CTX)
    assert (decision.status, codes(decision.findings)) == ("needs_review", ["FORM_MISSING"])


def test_form_missing_without_any_attachment_is_incomplete() -> None:
    facts = ApplicationFacts(
        received_at=mentee().received_at,
        sender="x@mfa.bg",
        recipients=("ipb@opcw.org", "solomon.haile@opcw.org"),
    )
    decision = evaluate(facts, CTX)
    assert (decision.status, codes(decision.findings)) == ("incomplete", ["FORM_MISSING"])


def test_disabled_rules_do_not_run() -> None:
    ctx = RuleContext(disabled_rules=frozenset({"SIGNATURE_UNVERIFIED", "signature_date_missing"}))
    decision = evaluate(mentee(signed=None, signature_date=None), ctx)
    assert (decision.status, decision.findings) == ("complete", ())


def test_severity_overrides_change_the_decision() -> None:
    softer = RuleContext(
        past_partnerships=RECENT_MENTEE.past_partnerships,
        severity_overrides={"REAPPLIED_TOO_SOON": "warning", "PRIOR_ASSESSMENT_MISSING": "info"},
    )
    decision = evaluate(mentee(), softer)
    assert decision.status == "complete"
    assert [(f.code, f.severity) for f in decision.findings] == [
        ("REAPPLIED_TOO_SOON", "warning"),
        ("PRIOR_ASSESSMENT_MISSING", "info"),
    ]
    stricter = RuleContext(severity_overrides={"NOT_COPIED_TO_OFFICER": "error"})
    assert evaluate(mentee(recipients=()), stricter).status == "incomplete"


class Broken(Rule):
    code = "BROKEN"
    kind = "completeness"
    severity = "error"
    description = "Raises, as a bug would."
    reads_form = False

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        raise RuntimeError("bug")


def test_a_rule_that_raises_sends_the_application_to_a_person() -> None:
    facts = mentee(has_application_form=False)
    findings, broken = run_rules(facts, CTX, rules=(Broken(), FormMissing()))
    assert (codes(findings), broken) == (["FORM_MISSING"], ("BROKEN",))
    status, reasons = decide(Evidence(facts, findings, broken))
    assert status == "needs_review"
    assert reasons[0] == "needs_review: rules could not be checked: BROKEN"


def test_a_table_without_a_match_leaves_the_decision_to_a_person() -> None:
    only_errors = tuple(link for link in DECISION_TABLE if link.status == "incomplete")
    status, reasons = decide(Evidence(mentee(), ()), only_errors)
    assert status == "needs_review"
    assert reasons == ("needs_review: no condition of the table held",)
