"""Reading the suggested first-visit timeline (section 3.2) as the earliest day it plausibly means.

The answer is free text in English, French or Spanish. What is understood:

- numeric dates, day first: "15/09/2025", "15.09.25", "2025-09-15", "09/2025";
- a month with a year: "November 2025", "septembre 2025", "15 de noviembre de 2025",
  "Nov. 15, 2025", "between March and May 2026" (the earliest, March);
- a part of a year: "Q3 2025", "3e trimestre 2025", "in the second half of 2025",
  "early 2026" (1 January), "mid-2026" (1 May), "late 2026" / "fin 2026" (1 September),
  seasons ("spring 2026": 1 March; "winter 2026": 1 January); a bare year is 1 January;
- "next year", "l'année prochaine", "el próximo año" and "this year" relative to receipt;
- a month without any year ("in November") is its next occurrence from the day of receipt;
- "early/mid/late November" starts on the 1st, 11th or 21st.

Ambiguous words ("may", "mar", "ago", "fall", "été") count as dates only right before a
year or next to a day number. Periods that ended before the message was received (the
history an applicant tells) are ignored. Anything else gives None: no guess.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import MAXYEAR, date

from rules.date_words import (
    CONNECTORS,
    HALF_WORDS,
    MONTH_PARTS,
    MONTHS,
    ORDINALS,
    QUALIFIERS,
    QUARTER_WORDS,
    SEASONS,
    WEAK_MONTHS,
    YEAR_PARTS,
)
from rules.text import fold, text_of

MAX_CHARS = 2000  # a timeline is a sentence or two; the rest is not read
WINDOW = 6  # how many words before a year may say which part of that year

_TOKEN = re.compile(r"[a-z0-9]+")
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|e|o)?")
_SHORT_PART = re.compile(r"([qths])([1-4])")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_MONTH_YEAR = re.compile(r"\b(\d{1,2})[./-](\d{4})\b")
_NEXT_YEAR = re.compile(
    r"\b(?:next year|(?:l')?annee prochaine|(?:el )?(?:proximo ano|ano (?:proximo|que viene)))\b"
)
_THIS_YEAR = re.compile(r"\b(?:this year|cette annee|este ano)\b")


@dataclass(frozen=True)
class Period:
    """A stretch of time a phrase can mean; the visit may fall anywhere in it."""

    start: date
    end: date


def earliest_visit_date(text: object, *, received_on: date) -> date | None:
    """The earliest day the timeline plausibly means, or None when it names no date."""
    folded = fold(text_of(text)[:MAX_CHARS])
    folded = _NEXT_YEAR.sub(f" {received_on.year + 1} ", folded)
    folded = _THIS_YEAR.sub(f" {received_on.year} ", folded)
    periods, rest = _numeric_dates(folded)
    tokens = _TOKEN.findall(rest)
    years = [index for index, token in enumerate(tokens) if _year(token)]
    if years:
        periods += _periods_before_years(tokens, years)
    else:
        periods += _yearless_periods(tokens, received_on)
    return min((period.start for period in periods if period.end >= received_on), default=None)


def _year(token: str) -> int | None:
    return int(token) if len(token) == 4 and token.startswith("20") else None


def _day(token: str) -> int | None:
    match = _DAY.fullmatch(token)
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 31 else None


def _safe_date(year: int, month: int, day: int) -> date:
    """A real date, the day clamped into the month (31 February -> 28 or 29 February)."""
    return date(year, month, min(day, monthrange(year, month)[1]))


def _months(year: int, first: int, last: int) -> Period:
    return Period(date(year, first, 1), _safe_date(year, last, 31))


def _numeric_dates(folded: str) -> tuple[list[Period], str]:
    """Numeric dates found, and the text with them blanked out."""
    periods: list[Period] = []

    def keep(year: int, month: int, day: int | None) -> str:
        if month > 12 and day is not None and day <= 12:
            month, day = day, month  # month first after all: 09/15/2025
        if 2000 <= year <= 2099 and 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            start = _safe_date(year, month, day or 1)
            periods.append(Period(start, start if day else _safe_date(year, month, 31)))
        return " "

    rest = _ISO_DATE.sub(lambda m: keep(int(m[1]), int(m[2]), int(m[3])), folded)
    rest = _DAY_MONTH_YEAR.sub(lambda m: keep(_full_year(m[3]), int(m[2]), int(m[1])), rest)
    rest = _MONTH_YEAR.sub(lambda m: keep(int(m[2]), int(m[1]), None), rest)
    return periods, rest


def _full_year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _periods_before_years(tokens: list[str], years: list[int]) -> list[Period]:
    """For each year, the part of it that the words just before it name."""
    periods = []
    for number, index in enumerate(years):
        previous = years[number - 1] + 1 if number else 0
        low = max(previous, index - WINDOW)
        periods += _periods_in(tokens, low, index, int(tokens[index]))
    return periods


def _periods_in(tokens: list[str], low: int, high: int, year: int) -> list[Period]:
    months = _month_cues(tokens, low, high, year_follows=True)
    if months:
        return [_month_period(year, cue) for cue in months]
    part = _year_part(tokens, low, high)
    return [_months(year, *part)] if part else [_months(year, 1, 12)]


def _yearless_periods(tokens: list[str], received_on: date) -> list[Period]:
    """Months and quarters without a year: their next occurrence from the day of receipt."""
    periods = []
    cues = _month_cues(tokens, 0, len(tokens), year_follows=False)
    parts = [_SHORT_PART.fullmatch(token) for token in tokens]
    quarters = [int(match[2]) for match in parts if match and match[1] in "qt"]
    for year in range(received_on.year, min(received_on.year + 1, MAXYEAR) + 1):
        periods += [_month_period(year, cue) for cue in cues]
        periods += [_months(year, 3 * quarter - 2, 3 * quarter) for quarter in quarters]
    return periods


@dataclass(frozen=True)
class _MonthCue:
    month: int
    day: int | None
    part: tuple[int, int] | None  # early/mid/late: (first day, last day)


def _month_period(year: int, cue: _MonthCue) -> Period:
    if cue.day is not None:
        start = _safe_date(year, cue.month, cue.day)
        return Period(start, start)
    first, last = cue.part or (1, 31)
    return Period(_safe_date(year, cue.month, first), _safe_date(year, cue.month, last))


def _month_cues(tokens: list[str], low: int, high: int, *, year_follows: bool) -> list[_MonthCue]:
    cues = []
    for index in range(low, high):
        month = _month_at(tokens, index, low, high, year_follows=year_follows)
        if month is not None:
            day = _day_beside(tokens, index, low, high)
            cues.append(_MonthCue(month, day, _part_of_month(tokens, index, low)))
    return cues


def _month_at(
    tokens: list[str], index: int, low: int, high: int, *, year_follows: bool
) -> int | None:
    token = tokens[index]
    if token in MONTHS:
        return MONTHS[token]
    if token not in WEAK_MONTHS:
        return None
    right_before_year = year_follows and all(
        tokens[later] in CONNECTORS for later in range(index + 1, high)
    )
    if right_before_year or _day_beside(tokens, index, low, high) is not None:
        return WEAK_MONTHS[token]
    return None


def _day_beside(tokens: list[str], index: int, low: int, high: int) -> int | None:
    """A day number just before the month ("15 (de) November") or just after ("November 15")."""
    before = _skip_connectors_back(tokens, index - 1, low)
    if before is not None and (day := _day(tokens[before])) is not None:
        return day
    return _day(tokens[index + 1]) if index + 1 < high else None


def _part_of_month(tokens: list[str], index: int, low: int) -> tuple[int, int] | None:
    """ "early/mid/late November" -> days (1, 10), (11, 20) or (21, 31)."""
    before = _skip_connectors_back(tokens, index - 1, low)
    part = QUALIFIERS.get(tokens[before]) if before is not None else None
    return MONTH_PARTS[part] if part else None


def _skip_connectors_back(tokens: list[str], index: int, low: int) -> int | None:
    while index >= low and tokens[index] in CONNECTORS:
        index -= 1
    return index if index >= low else None


def _year_part(tokens: list[str], low: int, high: int) -> tuple[int, int] | None:
    """The part of the year named right before it: a quarter, a half, a season, early/late."""
    last = _skip_connectors_back(tokens, high - 1, low)
    if last is None:
        return None
    word = tokens[last]
    ordinal = ORDINALS.get(tokens[last - 1]) if last - 1 >= low else None
    short = _SHORT_PART.fullmatch(word)
    if short:
        number = int(short[2])
        if short[1] in "qt":
            return (3 * number - 2, 3 * number)
        return (6 * number - 5, 6 * number) if number <= 2 else None
    if word in QUARTER_WORDS and ordinal:
        return (3 * ordinal - 2, 3 * ordinal)
    if word in HALF_WORDS and ordinal in (1, 2):
        return (6 * ordinal - 5, 6 * ordinal)
    if word in QUALIFIERS:
        return YEAR_PARTS[QUALIFIERS[word]]
    return SEASONS.get(word)
