"""Every rule that runs, in the order of SPEC section 4. Read this screen to know them all.

A duplicate code fails at import: two rules must never write findings under one code.
"""

from __future__ import annotations

from rules.base import Rule
from rules.choices import ModeAmbiguous, ModeNotSelected, SponsorshipNotSelected
from rules.contact import (
    ContactDetailsMissing,
    ContactEmailInvalid,
    ContactPersonMissing,
    StatePartyMissing,
    StatePartyUnrecognised,
)
from rules.form_present import FormMissing
from rules.history import (
    FormerMenteeOffering,
    PriorAssessmentMissing,
    ReappliedTooSoon,
    Resubmission,
)
from rules.justification import JustificationMissing, JustificationThin, OfferAreasUnclear
from rules.message_facts import NotCopiedToOfficer, OutsideProgrammePeriod
from rules.results_framework import (
    IndicatorsMissing,
    MandatoryAreaIncomplete,
    ResultsFrameworkMissing,
)
from rules.sections import ExpectedResultsMissing, PreferencesMissing
from rules.signature import SignatureDateMissing, SignatureMissing, SignatureUnverified
from rules.timeline import VisitTimelineTooSoon


def ordered_rules(*rules: Rule) -> tuple[Rule, ...]:
    """The rules in the order given; raises ValueError when two share a code."""
    seen: set[str] = set()
    for rule in rules:
        if rule.code in seen:
            raise ValueError(f"two rules share the code {rule.code}")
        seen.add(rule.code)
    return rules


RULES: tuple[Rule, ...] = ordered_rules(
    FormMissing(),
    StatePartyMissing(),
    StatePartyUnrecognised(),
    ContactPersonMissing(),
    ContactDetailsMissing(),
    ContactEmailInvalid(),
    ModeNotSelected(),
    ModeAmbiguous(),
    SponsorshipNotSelected(),
    JustificationMissing(),
    JustificationThin(),
    OfferAreasUnclear(),
    PreferencesMissing(),
    ExpectedResultsMissing(),
    SignatureMissing(),
    SignatureUnverified(),
    SignatureDateMissing(),
    ResultsFrameworkMissing(),
    MandatoryAreaIncomplete(),
    IndicatorsMissing(),
    ReappliedTooSoon(),
    PriorAssessmentMissing(),
    Resubmission(),
    FormerMenteeOffering(),
    VisitTimelineTooSoon(),
    OutsideProgrammePeriod(),
    NotCopiedToOfficer(),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
