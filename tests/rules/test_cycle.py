"""Review cycles: the quarter of receipt in the programme's time zone, reviewed at its end."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules.cycle import local_date, review_cycle, review_date


@pytest.mark.parametrize(
    ("received_at", "cycle"),
    [
        (datetime(2025, 3, 31, 21, 59, tzinfo=UTC), "2025-Q1"),  # 23:59 CEST on 31 March
        (datetime(2025, 3, 31, 22, 0, tzinfo=UTC), "2025-Q2"),  # midnight on 1 April
        (datetime(2025, 6, 30, 22, 5, 42, tzinfo=UTC), "2025-Q3"),  # 00:05 on 1 July
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "2026-Q1"),  # 00:30 CET on 1 January
        (datetime(2025, 12, 31, 22, 59, tzinfo=UTC), "2025-Q4"),
        (datetime(2025, 2, 28, 14, 5, tzinfo=UTC), "2025-Q1"),
    ],
)
def test_cycle_in_amsterdam(received_at: datetime, cycle: str) -> None:
    assert review_cycle(received_at, "Europe/Amsterdam") == cycle


def test_cycle_in_another_time_zone() -> None:
    moment = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert review_cycle(moment, "UTC") == "2025-Q4"
    assert review_cycle(moment, "America/New_York") == "2025-Q4"


def test_a_naive_moment_is_read_as_utc() -> None:
    assert local_date(datetime(2025, 3, 31, 22, 30), "Europe/Amsterdam") == date(2025, 4, 1)


@pytest.mark.parametrize(
    ("cycle", "day"),
    [
        ("2025-Q1", date(2025, 3, 31)),
        ("2025-Q2", date(2025, 6, 30)),
        ("2025-Q3", date(2025, 9, 30)),
        ("2026-Q4", date(2026, 12, 31)),
    ],
)
def test_review_date_is_the_last_day_of_the_quarter(cycle: str, day: date) -> None:
    assert review_date(cycle) == day


@pytest.mark.parametrize("cycle", ["2025-Q5", "2025Q1", "", "0000-Q1", "Q1-2025"])
def test_review_date_refuses_what_is_not_a_cycle(cycle: str) -> None:
    with pytest.raises(ValueError):
        review_date(cycle)
