"""Matching mentees with mentors (para 14): needs against offers, thematic area by area.

A mentee's areas are the rows of its results framework (Annex 2) that have content; a
mentor's areas are those its justification names (the same keywords as the rule
OFFER_AREAS_UNCLEAR), plus any results-framework rows it filled in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from db.models import Application
from db.models_staff import Partnership
from rules.text import fold
from rules.thematic_areas import AREA_TITLES, areas_named

AREA_TEXT_KEYS = ("outputs", "output_indicators", "outcomes", "outcome_indicators")
REGIONS = (
    "Africa",
    "Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Western European and Other States",
)


@dataclass(frozen=True)
class MentorMatch:
    mentor: Application
    areas: frozenset[int]
    covered: frozenset[int]
    missing: frozenset[int]
    preferred: bool  # one of the two names the other as its preferred partner
    active_partnerships: int

    @property
    def covers_all(self) -> bool:
        return not self.missing and bool(self.covered)


@dataclass(frozen=True)
class MenteeMatches:
    mentee: Application
    areas: frozenset[int]
    mentors: list[MentorMatch]


def framework_areas(areas: Iterable[dict[str, Any]] | None) -> set[int]:
    """The numbered areas of a results framework that have content (added rows by title)."""
    found: set[int] = set()
    for area in areas or []:
        if not isinstance(area, dict) or not any(area.get(key) for key in AREA_TEXT_KEYS):
            continue
        number = area.get("number")
        if isinstance(number, int) and number in AREA_TITLES:
            found.add(number)
        else:
            found |= areas_named(area.get("title"))
    return found


def offered_areas(mentor: Application) -> set[int]:
    return areas_named(mentor.justification) | framework_areas(mentor.thematic_areas)


def names_partner(application: Application, other: Application) -> bool:
    """Whether ``application``'s preferred partner (section 3.1) names ``other``'s State Party."""
    wanted, name = fold(application.preferred_partner), fold(other.state_party)
    return bool(wanted and name and name in wanted)


def match(
    mentees: Iterable[Application],
    mentors: Iterable[Application],
    partnerships: Iterable[Partnership] = (),
) -> list[MenteeMatches]:
    """Each mentee with the mentors that offer at least one of its areas, best first."""
    mentors = list(mentors)
    offers = {mentor.id: frozenset(offered_areas(mentor)) for mentor in mentors}
    load = Counter(p.mentor_application_id for p in partnerships if p.status == "active")
    results = []
    for mentee in mentees:
        needs = frozenset(framework_areas(mentee.thematic_areas))
        found = [
            MentorMatch(
                mentor=mentor,
                areas=offers[mentor.id],
                covered=needs & offers[mentor.id],
                missing=needs - offers[mentor.id],
                preferred=names_partner(mentee, mentor) or names_partner(mentor, mentee),
                active_partnerships=load[mentor.id or 0],
            )
            for mentor in mentors
            if mentor.state_party_code is None or mentor.state_party_code != mentee.state_party_code
        ]
        found = [item for item in found if item.covered or item.preferred or not needs]
        found.sort(
            key=lambda item: (
                -len(item.covered),
                not item.preferred,
                item.active_partnerships,
                item.mentor.reference,
            )
        )
        results.append(MenteeMatches(mentee, needs, found))
    return results


def regional_balance(partnerships: Iterable[Partnership]) -> list[tuple[str, int, int]]:
    """(region, mentees, mentors) counted over the active partnerships."""
    active = [p for p in partnerships if p.status == "active"]
    mentees = Counter(p.mentee_region or "unknown" for p in active)
    mentors = Counter(p.mentor_region or "unknown" for p in active)
    regions = [*REGIONS, *sorted((set(mentees) | set(mentors)) - set(REGIONS))]
    return [(region, mentees[region], mentors[region]) for region in regions]
