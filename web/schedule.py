"""A partnership's schedule (paras 4 and 5): two visits within 12 months, three months
apart, their dates communicated eight weeks ahead; an interim report after each visit and
a final report six months after the end."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_MONTHS = 12
VISIT_GAP_MONTHS = 3
NOTICE = timedelta(weeks=8)
INTERIM_REPORT_MONTHS = 1  # an interim report is due a month after its visit
FINAL_REPORT_MONTHS = 6


class ScheduleError(ValueError):
    """Visit dates that break the programme's timing (the text says which rule)."""


@dataclass(frozen=True)
class PlannedVisit:
    number: int
    planned_on: date
    communicate_by: date


@dataclass(frozen=True)
class PlannedReport:
    kind: str  # interim | final
    number: int
    due_on: date


@dataclass(frozen=True)
class Schedule:
    starts_on: date
    ends_on: date
    visits: tuple[PlannedVisit, ...]
    reports: tuple[PlannedReport, ...]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def earliest_first_visit(today: date, review_on: date | None = None) -> date:
    """Dates are communicated eight weeks ahead, counted from the review when it is later."""
    return max(today, review_on or today) + NOTICE


def plan(first_visit: date, second_visit: date | None = None) -> Schedule:
    second = second_visit or add_months(first_visit, VISIT_GAP_MONTHS)
    if second < add_months(first_visit, VISIT_GAP_MONTHS):
        raise ScheduleError("the second visit must come at least three months after the first")
    ends_on = add_months(first_visit, PERIOD_MONTHS) - timedelta(days=1)
    if second > ends_on:
        raise ScheduleError("both visits must take place within 12 months")
    visits = tuple(
        PlannedVisit(number, day, day - NOTICE)
        for number, day in enumerate((first_visit, second), start=1)
    )
    reports = (
        PlannedReport("interim", 1, add_months(first_visit, INTERIM_REPORT_MONTHS)),
        PlannedReport("interim", 2, add_months(second, INTERIM_REPORT_MONTHS)),
        PlannedReport("final", 3, add_months(ends_on, FINAL_REPORT_MONTHS)),
    )
    return Schedule(first_visit, ends_on, visits, reports)
