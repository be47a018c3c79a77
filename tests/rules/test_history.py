"""History rules over date boundaries: four years exactly, a day less, leap days, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules.history import add_years
from rules.model import EarlierApplication, PastPartnership, RuleContext
from rules.registry import RULES_BY_CODE
from tests.rules.builders import mentee, mentor

TOO_SOON = RULES_BY_CODE["REAPPLIED_TOO_SOON"]


def context(*pasts: tuple[str, str, date], years: int = 4) -> RuleContext:
    partnerships = tuple(PastPartnership(code, role, day) for code, role, day in pasts)  # type: ignore[arg-type]
    return RuleContext(past_partnerships=partnerships, reapply_after_years=years)


def too_soon(received_at: datetime, ctx: RuleContext) -> bool:
    return bool(TOO_SOON.check(mentee(received_at=received_at), ctx))


COMPLETED_2021 = context(("BGR", "mentee", date(2021, 6, 10)))


def test_exactly_four_years_is_allowed() -> None:
    assert not too_soon(datetime(2025, 6, 10, 8, 0, tzinfo=UTC), COMPLETED_2021)


def test_a_day_less_than_four_years_is_too_soon() -> None:
    assert too_soon(datetime(2025, 6, 9, 8, 0, tzinfo=UTC), COMPLETED_2021)


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (datetime(2025, 6, 9, 21, 59, tzinfo=UTC), True),  # 23:59 on 9 June in Amsterdam
        (datetime(2025, 6, 9, 22, 0, tzinfo=UTC), False),  # 00:00 on 10 June in Amsterdam
    ],
)
def test_the_day_counts_in_the_programme_time_zone(received_at: datetime, expected: bool) -> None:
    assert too_soon(received_at, COMPLETED_2021) is expected


def test_the_time_zone_is_configurable() -> None:
    in_utc = context(("BGR", "mentee", date(2021, 6, 10)))
    in_utc = RuleContext(past_partnerships=in_utc.past_partnerships, timezone="UTC")
    assert too_soon(datetime(2025, 6, 9, 22, 0, tzinfo=UTC), in_utc)


def test_a_leap_day_anniversary_in_a_leap_year_stays_on_29_february() -> None:
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("start", "years", "anniversary"),
    [(date(2020, 2, 29), 1, date(2021, 3, 1)), (date(2096, 2, 29), 4, date(2100, 3, 1))],
)
def test_a_leap_day_anniversary_in_a_common_year_is_1_march(
    start: date, years: int, anniversary: date
) -> None:
    assert add_years(start, years) == anniversary


def test_leap_day_completion_boundary() -> None:
    ctx = context(("BGR", "mentee", date(2020, 2, 29)), years=1)
    assert too_soon(datetime(2021, 2, 28, 12, 0, tzinfo=UTC), ctx)
    assert not too_soon(datetime(2021, 3, 1, 12, 0, tzinfo=UTC), ctx)


def test_the_latest_partnership_counts() -> None:
    ctx = context(("BGR", "mentee", date(2012, 1, 1)), ("BGR", "mentee", date(2024, 3, 1)))
    message = TOO_SOON.check(mentee(), ctx)[0].message
    assert "1 March 2024" in message and "1 March 2028" in message


def test_partnerships_match_by_code_only() -> None:
    assert TOO_SOON.check(mentee(), context(("bgr", "mentee", date(2024, 1, 1))))
    assert not TOO_SOON.check(mentee(), context(("ROU", "mentee", date(2024, 1, 1))))
    assert not TOO_SOON.check(
        mentee(state_party_code=None), context(("", "mentee", date(2024, 1, 1)))
    )


def test_a_past_mentor_role_is_not_a_mentee_partnership() -> None:
    ctx = context(("BGR", "mentor", date(2024, 1, 1)))
    assert not TOO_SOON.check(mentee(), ctx)
    assert not RULES_BY_CODE["PRIOR_ASSESSMENT_MISSING"].check(mentee(), ctx)


def test_prior_assessment_is_asked_of_any_former_mentee() -> None:
    ctx = context(("BGR", "mentee", date(2010, 1, 1)))
    rule = RULES_BY_CODE["PRIOR_ASSESSMENT_MISSING"]
    assert "1 January 2010" in rule.check(mentee(), ctx)[0].message
    assert rule.check(mentee(has_prior_assessment=True), ctx) == []


def test_former_mentee_offering_names_the_partnership() -> None:
    ctx = context(("CZE", "mentee", date(2015, 9, 30)))
    message = RULES_BY_CODE["FORMER_MENTEE_OFFERING"].check(mentor(), ctx)[0].message
    assert "30 September 2015" in message
    assert RULES_BY_CODE["FORMER_MENTEE_OFFERING"].check(mentee(state_party_code="CZE"), ctx) == []


def test_resubmission_names_the_earlier_references_and_needs_no_form() -> None:
    earlier = (
        EarlierApplication("MPP-2025-00009", datetime(2025, 4, 2, tzinfo=UTC), "incomplete"),
        EarlierApplication("MPP-2025-00004", datetime(2025, 3, 2, tzinfo=UTC), "superseded"),
    )
    ctx = RuleContext(earlier_applications=earlier)
    message = (
        RULES_BY_CODE["RESUBMISSION"].check(mentee(has_application_form=False), ctx)[0].message
    )
    assert "MPP-2025-00004, MPP-2025-00009" in message
