"""Reading the first-visit timeline, and VISIT_TIMELINE_TOO_SOON around its deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules.model import RuleContext
from rules.registry import RULES_BY_CODE
from rules.visit_dates import earliest_visit_date
from tests.rules.builders import mentee

RECEIVED_ON = date(2025, 2, 28)


@pytest.mark.parametrize(
    ("text", "earliest"),
    [
        ("November 2025", date(2025, 11, 1)),
        ("early 2026", date(2026, 1, 1)),
        ("Q3 2025", date(2025, 7, 1)),
        ("15/09/2025", date(2025, 9, 15)),
        ("15.09.25", date(2025, 9, 15)),
        ("2025-10-03", date(2025, 10, 3)),
        ("09/2025", date(2025, 9, 1)),
        ("09/15/2025", date(2025, 9, 15)),
        ("septembre 2025", date(2025, 9, 1)),
        ("in the second half of 2025", date(2025, 7, 1)),
        ("Première visite envisagée en novembre 2025.", date(2025, 11, 1)),
        ("el segundo semestre de 2025", date(2025, 7, 1)),
        ("a mediados de 2026", date(2026, 5, 1)),
        ("15 de noviembre de 2025", date(2025, 11, 15)),
        ("primer trimestre de 2026", date(2026, 1, 1)),
        ("3e trimestre 2025", date(2025, 7, 1)),
        ("fin novembre 2025", date(2025, 11, 21)),
        ("Nov. 15, 2025", date(2025, 11, 15)),
        ("between March and May 2026", date(2026, 3, 1)),
        ("from November 2025 to February 2026", date(2025, 11, 1)),
        (
            "First visit proposed for February 2027, second visit about five months later",
            date(2027, 2, 1),
        ),
        ("The first visit may take place in 2026", date(2026, 1, 1)),
        ("mid-2026", date(2026, 5, 1)),
        ("end of 2025", date(2025, 9, 1)),
        ("spring 2026", date(2026, 3, 1)),
        ("l'année prochaine", date(2026, 1, 1)),
        ("in November", date(2025, 11, 1)),
        ("in January", date(2026, 1, 1)),
        ("Our law was adopted in March 2019; a visit in 2026 would suit us", date(2026, 1, 1)),
    ],
)
def test_earliest_plausible_date(text: str, earliest: date) -> None:
    assert earliest_visit_date(text, received_on=RECEIVED_ON) == earliest


@pytest.mark.parametrize(
    "text",
    [
        "Any time convenient for the partner, after the approval of the application",
        "To be agreed with the partner National Authority.",
        "As soon as possible",
        "We will fall back on the partner's proposal",
        "",
        None,
    ],
)
def test_no_date_no_guess(text: str | None) -> None:
    assert earliest_visit_date(text, received_on=RECEIVED_ON) is None


WINTER = datetime(2026, 1, 13, 2, 16, tzinfo=UTC)  # reviewed 31 March 2026: visits from 26 May
RULE = RULES_BY_CODE["VISIT_TIMELINE_TOO_SOON"]


def hits(timeline: str, received_at: datetime = WINTER, **ctx: object) -> bool:
    facts = mentee(received_at=received_at, review_cycle=None, first_visit_timeline=timeline)
    return bool(RULE.check(facts, RuleContext(**ctx)))  # type: ignore[arg-type]


def test_the_deadline_day_itself_is_allowed() -> None:
    assert not hits("26/05/2026")
    assert hits("25/05/2026")


def test_the_message_gives_the_first_possible_day() -> None:
    facts = mentee(received_at=WINTER, review_cycle=None, first_visit_timeline="April 2026")
    message = RULE.check(facts, RuleContext())[0].message
    assert '"April 2026"' in message and "26 May 2026" in message and "March 2026" in message


def test_the_cycle_follows_the_programme_time_zone() -> None:
    new_year = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # 2026-Q1 in Amsterdam, 2025-Q4 in UTC
    assert hits("April 2026", new_year)
    assert not hits("April 2026", new_year, timezone="UTC")


def test_the_notice_period_is_configurable() -> None:
    assert not hits("April 2026", visit_notice_weeks=0)


def test_unparseable_timeline_gives_no_finding() -> None:
    assert not hits("as agreed with our partner")
