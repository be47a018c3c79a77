"""The registry: every rule of the SPEC table, in its order, with its kind and severity."""

from __future__ import annotations

import pytest

from rules.form_present import FormMissing
from rules.registry import RULES, ordered_rules

# SPEC section 4, in table order: (code, kind, severity, applies to).
SPEC_TABLE = [
    ("FORM_MISSING", "completeness", "error", "all"),
    ("STATE_PARTY_MISSING", "completeness", "error", "all"),
    ("STATE_PARTY_UNRECOGNISED", "eligibility", "warning", "all"),
    ("CONTACT_PERSON_MISSING", "completeness", "error", "all"),
    ("CONTACT_DETAILS_MISSING", "completeness", "error", "all"),
    ("CONTACT_EMAIL_INVALID", "completeness", "warning", "all"),
    ("MODE_NOT_SELECTED", "completeness", "error", "all"),
    ("MODE_AMBIGUOUS", "completeness", "error", "all"),
    ("SPONSORSHIP_NOT_SELECTED", "completeness", "error", "all"),
    ("JUSTIFICATION_MISSING", "completeness", "error", "all"),
    ("JUSTIFICATION_THIN", "completeness", "warning", "all"),
    ("OFFER_AREAS_UNCLEAR", "completeness", "warning", "mentors"),
    ("PREFERENCES_MISSING", "completeness", "warning", "all"),
    ("EXPECTED_RESULTS_MISSING", "completeness", "error", "mentees"),
    ("SIGNATURE_MISSING", "completeness", "error", "all"),
    ("SIGNATURE_UNVERIFIED", "completeness", "warning", "all"),
    ("SIGNATURE_DATE_MISSING", "completeness", "warning", "all"),
    ("RESULTS_FRAMEWORK_MISSING", "completeness", "error", "mentees"),
    ("MANDATORY_AREA_INCOMPLETE", "completeness", "error", "mentees"),
    ("INDICATORS_MISSING", "completeness", "warning", "mentees"),
    ("REAPPLIED_TOO_SOON", "eligibility", "error", "mentees"),
    ("PRIOR_ASSESSMENT_MISSING", "eligibility", "error", "mentees"),
    ("RESUBMISSION", "eligibility", "info", "all"),
    ("FORMER_MENTEE_OFFERING", "eligibility", "info", "mentors"),
    ("VISIT_TIMELINE_TOO_SOON", "eligibility", "warning", "all"),
    ("OUTSIDE_PROGRAMME_PERIOD", "eligibility", "warning", "all"),
    ("NOT_COPIED_TO_OFFICER", "completeness", "info", "all"),
]


def test_registry_matches_the_spec_table() -> None:
    assert [(r.code, r.kind, r.severity, r.audience) for r in RULES] == SPEC_TABLE


def test_every_rule_describes_itself_in_one_line() -> None:
    for rule in RULES:
        assert rule.description.strip() and "\n" not in rule.description


def test_a_duplicate_code_is_refused() -> None:
    with pytest.raises(ValueError, match="FORM_MISSING"):
        ordered_rules(FormMissing(), FormMissing())
