"""The results framework (Annex 2), required from mentees (para 9).

The framework counts as present when a document was recognised as Annex 2 or when rows
of it were read (Annex 1 and 2 are sometimes sent as one document).
"""

from __future__ import annotations

from parsers.model import ThematicArea
from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext
from rules.text import filled, quote
from rules.thematic_areas import AREA_TITLES

MANDATORY_AREAS = (1, 2)


def has_framework(facts: ApplicationFacts) -> bool:
    return bool(facts.has_results_framework or facts.thematic_areas)


def area_label(area: ThematicArea) -> str:
    """ "thematic area 2 (National ... legislation)" or the applicant's own title."""
    if isinstance(area.number, int) and area.number in AREA_TITLES:
        return f"thematic area {area.number} ({AREA_TITLES[area.number]})"
    if filled(area.title):
        return f'the thematic area "{quote(area.title, 60)}"'
    return "a thematic area without a title"


class ResultsFrameworkMissing(Rule):
    code = "RESULTS_FRAMEWORK_MISSING"
    kind = "completeness"
    severity = "error"
    description = "A mentee sent no results framework (Annex 2) (para 9)."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if has_framework(facts):
            return None
        return (
            "We did not find the results framework (Annex 2). National Authorities seeking "
            "mentorship must submit it with the application form (para 9 of the call). "
            "Please complete Annex 2, with outputs, outcomes and indicators for at least "
            "thematic areas 1 and 2, and send it with your application."
        )


class MandatoryAreaIncomplete(Rule):
    code = "MANDATORY_AREA_INCOMPLETE"
    kind = "completeness"
    severity = "error"
    description = "Thematic area 1 or 2 of Annex 2 lacks outputs or outcomes."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if not has_framework(facts):
            return None
        gaps = [gap for number in MANDATORY_AREAS if (gap := _mandatory_gap(facts, number))]
        if not gaps:
            return None
        return (
            f"In the results framework (Annex 2), {'; '.join(gaps)}. Planning results for "
            "thematic areas 1 and 2 is mandatory: please give their outputs and outcomes."
        )


def _mandatory_gap(facts: ApplicationFacts, number: int) -> str | None:
    """What mandatory area ``number`` lacks, or None when one of its rows has both."""
    rows = [area for area in facts.thematic_areas if area.number == number]
    label = f"thematic area {number} ({AREA_TITLES[number]})"
    if any(filled(row.outputs) and filled(row.outcomes) for row in rows):
        return None
    if not rows:
        return f"{label} is empty"
    lacking = [
        name
        for name, present in (
            ("outputs", any(filled(row.outputs) for row in rows)),
            ("outcomes", any(filled(row.outcomes) for row in rows)),
        )
        if not present
    ]
    return f"{label} has no {' and no '.join(lacking)}"


class IndicatorsMissing(Rule):
    code = "INDICATORS_MISSING"
    kind = "completeness"
    severity = "warning"
    description = "An area of Annex 2 with outputs or outcomes lacks the matching indicators."
    audience = "mentees"

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        gaps = [gap for area in facts.thematic_areas if (gap := _indicator_gap(area))]
        if not gaps:
            return None
        return (
            f"In the results framework (Annex 2), {'; '.join(gaps[:8])}. Please add for each "
            "output and outcome an indicator that measures its achievement."
        )


def _indicator_gap(area: ThematicArea) -> str | None:
    lacking = []
    if filled(area.outputs) and not filled(area.output_indicators):
        lacking.append("outputs")
    if filled(area.outcomes) and not filled(area.outcome_indicators):
        lacking.append("outcomes")
    if not lacking:
        return None
    return f"{area_label(area)} has no indicators for its {' and '.join(lacking)}"
