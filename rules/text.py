"""Small text helpers the rules share: emptiness, word counts, folding, quoting, dates.

Field values come from untrusted documents, so every helper accepts any value and never
raises: a list becomes its items joined, anything else its ``str``.
"""

from __future__ import annotations

import unicodedata
from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def text_of(value: object) -> str:
    """The value as text: "" for None, items joined by spaces for a list or tuple."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(text_of(item) for item in value)
    return str(value)


def filled(value: object) -> bool:
    """Whether an answer says anything: at least one letter or digit (not "____" or "-")."""
    return any(character.isalnum() for character in text_of(value))


def word_count(value: object) -> int:
    """Words that hold a letter or digit; punctuation on its own is not a word."""
    return sum(1 for word in text_of(value).split() if filled(word))


def fold(value: object) -> str:
    """Lower case without accents, so "Législation" and "legislation" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text_of(value).casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def quote(value: object, limit: int = 80) -> str:
    """An applicant's answer fit to repeat in a sentence: one line, at most ``limit`` characters."""
    line = " ".join(text_of(value).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def long_date(day: date) -> str:
    """A date as an official letter writes it: "1 March 2027"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_year(day: date) -> str:
    """The month of a date: "March 2026"."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"
