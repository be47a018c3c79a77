"""The two tick-box questions of section 1: partnership mode and sponsorship."""

from __future__ import annotations

from rules.base import Rule
from rules.model import ApplicationFacts, RuleContext
from rules.text import filled, fold, text_of

MODES = ("offering", "seeking")
# Word stems that tell which box a tick belongs to, in the form's three languages.
_MODE_STEMS = {
    "offering": ("offer", "offr", "ofrec", "ofrez", "mentor"),
    "seeking": ("seek", "recherch", "demand", "solicit", "busc", "mentee", "benefic"),
}


def canonical_mode(tick: object) -> str:
    """The mode a tick names ("Offering mentorship", "offrir" -> "offering"), else its text."""
    folded = " ".join(fold(tick).split())
    for mode in ("seeking", "offering"):
        if any(stem in folded for stem in _MODE_STEMS[mode]):
            return mode
    return folded


def distinct_ticks(facts: ApplicationFacts) -> set[str]:
    """Every mode the form has ticked, each counted once whatever its wording."""
    ticks = facts.mode_ticks if isinstance(facts.mode_ticks, list | tuple) else ()
    return {canonical_mode(text_of(tick)) for tick in ticks if filled(tick)}


class ModeNotSelected(Rule):
    code = "MODE_NOT_SELECTED"
    kind = "completeness"
    severity = "error"
    description = 'Neither "offering" nor "seeking" mentorship is ticked.'

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if facts.mode in MODES or len(distinct_ticks(facts)) > 1:
            return None
        return (
            "Section 1 of the application form (Annex 1) does not say whether your National "
            'Authority is offering or seeking mentorship. Please tick either "Offering '
            'mentorship" or "Seeking mentorship".'
        )


class ModeAmbiguous(Rule):
    code = "MODE_AMBIGUOUS"
    kind = "completeness"
    severity = "error"
    description = 'Both "offering" and "seeking" mentorship are ticked.'

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if len(distinct_ticks(facts)) < 2:
            return None
        return (
            'Section 1 of the application form (Annex 1) has both "Offering mentorship" and '
            '"Seeking mentorship" ticked. Please tick only one of them; a National Authority '
            "that wishes to do both should send one application for each."
        )


class SponsorshipNotSelected(Rule):
    code = "SPONSORSHIP_NOT_SELECTED"
    kind = "completeness"
    severity = "error"
    description = 'Neither "Yes" nor "No" is ticked for sponsorship, or both are.'

    def problem(self, facts: ApplicationFacts, ctx: RuleContext) -> str | None:
        if isinstance(facts.sponsorship_required, bool):
            return None
        return (
            'Section 1 of the application form (Annex 1) does not answer "Sponsorship '
            'required". Please tick exactly one of "Yes" or "No".'
        )
