"""Dates as people write them on a form, to ISO strings.

Numeric dates are read day first (12/03/2025 is 12 March), as in the countries the programme
serves; a date that can only be month first (03/25/2025) is read that way. Month names come
from the label sets (English, French, Spanish).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from parsers.labels import load_label_sets
from parsers.textfold import fold

_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{4}|\d{2})\b")
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\s?(?:st|nd|rd|th|er|o|eme)?\s*(?:de\s+|of\s+)?([a-z]{3,10})\.?\s*(?:de\s+|del\s+)?(\d{4})\b"
)
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]{3,10})\.?\s+(\d{1,2})\s?(?:st|nd|rd|th)?\s*,?\s*(\d{4})\b")


def parse_date(text: str) -> str | None:
    """The first date in the text as YYYY-MM-DD, or None."""
    if not text:
        return None
    for finder in (_iso, _named, _numeric):
        found = finder(text)
        if found is not None:
            return found.isoformat()
    return None


def _iso(text: str) -> date | None:
    match = _ISO.search(text)
    return _make(int(match[1]), int(match[2]), int(match[3])) if match else None


def _numeric(text: str) -> date | None:
    for match in _NUMERIC.finditer(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        found = _make(year, second, first) or _make(year, first, second)
        if found is not None:
            return found
    return None


def _named(text: str) -> date | None:
    folded = fold(text)
    months = _months()
    for match in _DAY_MONTH_YEAR.finditer(folded):
        month = months.get(match[2])
        if month:
            found = _make(int(match[3]), month, int(match[1]))
            if found is not None:
                return found
    for match in _MONTH_DAY_YEAR.finditer(folded):
        month = months.get(match[1])
        if month:
            found = _make(int(match[3]), month, int(match[2]))
            if found is not None:
                return found
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _make(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


@cache
def _months() -> dict[str, int]:
    """Folded month names and their usual abbreviations, in every shipped language."""
    names: dict[str, int] = {}
    for data in load_label_sets().raw.values():
        for number, name in enumerate(data.get("dates", {}).get("months", []), start=1):
            folded = fold(name)
            names.setdefault(folded, number)
            names.setdefault(folded[:3], number)
            names.setdefault(folded[:4], number)
    names.setdefault("sept", 9)
    names.setdefault("setiembre", 9)
    return names
