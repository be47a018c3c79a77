"""Review cycles (para 14): applications are reviewed at the end of each calendar quarter.

The cycle of an application is the quarter that contains the day the mailbox received it,
counted in the programme's time zone: a message received at 23:30 UTC on 31 March is
received on 1 April in Amsterdam, so it belongs to the second quarter.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from common.clock import as_utc

_CYCLE = re.compile(r"(\d{4})-Q([1-4])")


def local_date(moment: datetime, timezone: str | tzinfo) -> date:
    """The calendar day of ``moment`` in ``timezone`` (a naive moment is read as UTC)."""
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    try:
        return as_utc(moment).astimezone(zone).date()
    except OverflowError:  # within hours of the end of the calendar: the UTC day will do
        return as_utc(moment).date()


def review_cycle(received_at: datetime, timezone: str | tzinfo = "Europe/Amsterdam") -> str:
    """The cycle that reviews a message received at ``received_at``, as ``"YYYY-Qn"``."""
    day = local_date(received_at, timezone)
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def parse_cycle(cycle: str) -> tuple[int, int]:
    """``"2025-Q3"`` -> ``(2025, 3)``; raises ValueError for anything else."""
    match = _CYCLE.fullmatch(cycle.strip()) if isinstance(cycle, str) else None
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"not a review cycle (expected YYYY-Qn): {cycle!r}")
    return int(match.group(1)), int(match.group(2))


def review_date(cycle: str) -> date:
    """The day the cycle's review takes place: the last day of its quarter."""
    year, quarter = parse_cycle(cycle)
    month = quarter * 3
    return date(year, month, monthrange(year, month)[1])
