"""Every rule of SPEC section 4: one application on which it hits, one on which it does not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules.model import ApplicationFacts, EarlierApplication, PastPartnership, RuleContext
from rules.registry import RULES_BY_CODE
from tests.rules.builders import area, mentee, mentor

CTX = RuleContext()
WINTER = datetime(2026, 1, 13, 2, 16, tzinfo=UTC)  # review at the end of March 2026


def mentee_past(years_ago: int, role: str = "mentee") -> RuleContext:
    completed = date(2025 - years_ago, 5, 1)
    return RuleContext(past_partnerships=(PastPartnership("BGR", role, completed),))  # type: ignore[arg-type]


def words(count: int) -> str:
    return " ".join(["legislation"] * count)


GENERIC_OFFER = (
    "Our National Authority has long experience and considerable progress in implementing the "
    "Convention, and we would be glad to share our knowledge, skills and good practices with "
    "another National Authority that is at an earlier stage of its work, through visits, "
    "meetings and exchanges between our experts and theirs."
)
EARLIER = (EarlierApplication("MPP-2025-00003", datetime(2025, 4, 1, tzinfo=UTC), "incomplete"),)

# code: (hits, its context, does not hit, its context)
CASES: dict[str, tuple[ApplicationFacts, RuleContext, ApplicationFacts, RuleContext]] = {
    "FORM_MISSING": (mentee(has_application_form=False), CTX, mentee(), CTX),
    "STATE_PARTY_MISSING": (mentee(state_party="  "), CTX, mentee(), CTX),
    "STATE_PARTY_UNRECOGNISED": (
        mentee(state_party="Atlantis", state_party_code=None),
        CTX,
        mentee(),
        CTX,
    ),
    "CONTACT_PERSON_MISSING": (mentee(contact_person=None), CTX, mentee(), CTX),
    "CONTACT_DETAILS_MISSING": (
        mentee(phone="", emails=()),
        CTX,
        mentee(phone=None, emails=("a.b@mfa.bg",)),
        CTX,
    ),
    "CONTACT_EMAIL_INVALID": (
        mentee(emails=("m.ivanova@mfa.bg", "ivanova at mfa.bg")),
        CTX,
        mentee(),
        CTX,
    ),
    "MODE_NOT_SELECTED": (mentee(mode=None, mode_ticks=()), CTX, mentee(mode_ticks=()), CTX),
    "MODE_AMBIGUOUS": (
        mentee(mode=None, mode_ticks=("Offering mentorship", "Seeking mentorship")),
        CTX,
        mentee(mode_ticks=("seeking", "Seeking mentorship")),
        CTX,
    ),
    "SPONSORSHIP_NOT_SELECTED": (
        mentee(sponsorship_required=None),
        CTX,
        mentee(sponsorship_required=False),
        CTX,
    ),
    "JUSTIFICATION_MISSING": (mentee(justification="____"), CTX, mentee(), CTX),
    "JUSTIFICATION_THIN": (
        mentee(justification=words(39)),
        CTX,
        mentee(justification=words(40)),
        CTX,
    ),
    "OFFER_AREAS_UNCLEAR": (
        mentor(justification=GENERIC_OFFER),
        CTX,
        mentor(justification=GENERIC_OFFER + " Nous proposons la législation."),
        CTX,
    ),
    "PREFERENCES_MISSING": (
        mentee(preferred_partner=None, first_visit_timeline=" "),
        CTX,
        mentee(preferred_partner=None),
        CTX,
    ),
    "EXPECTED_RESULTS_MISSING": (
        mentee(expected_results=None),
        CTX,
        mentor(expected_results=None),
        CTX,
    ),
    "SIGNATURE_MISSING": (mentee(signed=False), CTX, mentee(signed=None), CTX),
    "SIGNATURE_UNVERIFIED": (mentee(signed=None), CTX, mentee(signed=False), CTX),
    "SIGNATURE_DATE_MISSING": (mentee(signature_date=None), CTX, mentee(), CTX),
    "RESULTS_FRAMEWORK_MISSING": (
        mentee(has_results_framework=False, thematic_areas=()),
        CTX,
        mentee(has_results_framework=False),  # Annex 2 rows read from the same document
        CTX,
    ),
    "MANDATORY_AREA_INCOMPLETE": (
        mentee(thematic_areas=(area(1), area(2, outcomes=None))),
        CTX,
        mentee(),
        CTX,
    ),
    "INDICATORS_MISSING": (
        mentee(thematic_areas=(area(1), area(2), area(8, output_indicators="  "))),
        CTX,
        mentee(),
        CTX,
    ),
    "REAPPLIED_TOO_SOON": (mentee(), mentee_past(2), mentee(), mentee_past(5)),
    "PRIOR_ASSESSMENT_MISSING": (
        mentee(),
        mentee_past(5),
        mentee(has_prior_assessment=True),
        mentee_past(5),
    ),
    "RESUBMISSION": (mentee(), RuleContext(earlier_applications=EARLIER), mentee(), CTX),
    "FORMER_MENTEE_OFFERING": (
        mentor(state_party_code="BGR"),
        mentee_past(6),
        mentor(state_party_code="BGR"),
        mentee_past(6, role="mentor"),
    ),
    "VISIT_TIMELINE_TOO_SOON": (
        mentee(received_at=WINTER, review_cycle=None, first_visit_timeline="April 2026"),
        CTX,
        mentee(received_at=WINTER, review_cycle=None, first_visit_timeline="September 2026"),
        CTX,
    ),
    "OUTSIDE_PROGRAMME_PERIOD": (
        mentee(received_at=datetime(2027, 12, 31, 23, 30, tzinfo=UTC)),  # 1 January in Amsterdam
        CTX,
        mentee(received_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC)),  # 1 January 2025
        CTX,
    ),
    "NOT_COPIED_TO_OFFICER": (
        mentee(recipients=("ipb@opcw.org",)),
        CTX,
        mentee(recipients=("ipb@opcw.org", "Solomon Haile <Solomon.Haile@OPCW.org>")),
        CTX,
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES_BY_CODE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_hits(code: str) -> None:
    facts, ctx, _, _ = CASES[code]
    rule = RULES_BY_CODE[code]
    findings = rule.check(facts, ctx)
    assert [finding.code for finding in findings] == [code]
    finding = findings[0]
    assert (finding.severity, finding.kind) == (rule.severity, rule.kind)
    assert finding.message.endswith(".") and "None" not in finding.message


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_stays_silent(code: str) -> None:
    _, _, facts, ctx = CASES[code]
    assert RULES_BY_CODE[code].check(facts, ctx) == []


@pytest.mark.parametrize("builder", [mentee, mentor])
def test_complete_applications_have_no_finding(builder) -> None:  # type: ignore[no-untyped-def]
    facts = builder()
    assert [f.code for rule in RULES_BY_CODE.values() for f in rule.check(facts, CTX)] == []


def test_form_rules_stay_silent_without_a_form() -> None:
    empty = ApplicationFacts(received_at=WINTER, sender="x@mfa.bg", signed=None, mode="seeking")
    ctx = RuleContext(officer_address="")
    hits = [f.code for rule in RULES_BY_CODE.values() for f in rule.check(empty, ctx)]
    assert hits == ["FORM_MISSING"]


def test_mentee_rules_skip_unknown_mode() -> None:
    facts = mentee(mode=None, mode_ticks=(), expected_results=None, thematic_areas=())
    assert RULES_BY_CODE["EXPECTED_RESULTS_MISSING"].check(facts, CTX) == []
    assert RULES_BY_CODE["RESULTS_FRAMEWORK_MISSING"].check(facts, CTX) == []


def test_offer_areas_apply_to_mentors_only() -> None:
    assert (
        RULES_BY_CODE["OFFER_AREAS_UNCLEAR"].check(mentee(justification=GENERIC_OFFER), CTX) == []
    )


def test_messages_name_the_section_and_quote_the_answer() -> None:
    facts = mentee(emails=("good@mfa.bg", "bad@@mfa"), state_party="Narnia", state_party_code=None)
    email = RULES_BY_CODE["CONTACT_EMAIL_INVALID"].check(facts, CTX)[0].message
    unknown = RULES_BY_CODE["STATE_PARTY_UNRECOGNISED"].check(facts, CTX)[0].message
    assert '"bad@@mfa"' in email and "good@mfa.bg" not in email and "1(c)" in email
    assert '"Narnia"' in unknown and "1(a)" in unknown


def test_mandatory_area_message_names_what_is_lacking() -> None:
    facts = mentee(thematic_areas=(area(1, outputs=None, outcomes=None),))
    message = RULES_BY_CODE["MANDATORY_AREA_INCOMPLETE"].check(facts, CTX)[0].message
    assert "thematic area 1" in message and "no outputs and no outcomes" in message
    assert "thematic area 2" in message and "is empty" in message


def test_indicators_message_names_an_added_area_by_its_title() -> None:
    added = area(None, title="Laboratory quality", outcome_indicators=None)
    facts = mentee(thematic_areas=(area(1), area(2), added))
    message = RULES_BY_CODE["INDICATORS_MISSING"].check(facts, CTX)[0].message
    assert '"Laboratory quality"' in message and "outcomes" in message


def test_justification_threshold_is_configurable() -> None:
    ctx = RuleContext(justification_min_words=5)
    rule = RULES_BY_CODE["JUSTIFICATION_THIN"]
    assert rule.check(mentee(justification=words(5)), ctx) == []
    assert rule.check(mentee(justification="one two three - four"), ctx) != []
