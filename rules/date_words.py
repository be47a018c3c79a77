"""The words of dates in English, French and Spanish, folded (lower case, no accents).

Each table maps a word to what it means; words are listed per meaning, separated by spaces.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def _table(meanings: dict[T, str]) -> dict[str, T]:
    return {word: meaning for meaning, words in meanings.items() for word in words.split()}


# Full month names: read as a month wherever they stand.
MONTHS = _table(
    {
        1: "january janvier enero",
        2: "february fevrier febrero",
        3: "march mars marzo",
        4: "april avril abril",
        5: "mai mayo",
        6: "june juin junio",
        7: "july juillet julio",
        8: "august aout agosto",
        9: "september septembre septiembre setiembre",
        10: "october octobre octubre",
        11: "november novembre noviembre",
        12: "december decembre diciembre",
    }
)
# Abbreviations and "may": a month only right before a year or next to a day number.
WEAK_MONTHS = _table(
    {
        1: "jan janv ene",
        2: "feb fev fevr",
        3: "mar",
        4: "apr avr abr",
        5: "may",
        6: "jun",
        7: "jul juil",
        8: "aug ago",
        9: "sep sept",
        10: "oct",
        11: "nov",
        12: "dec dic",
    }
)
# Early, mid and late, of a year or of a month.
QUALIFIERS = _table(
    {
        "early": "early beginning start debut commencement principios principio comienzos "
        "comienzo inicios inicio",
        "mid": "mid middle milieu mi mediados",
        "late": "late end fin finales final fines",
    }
)
YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}  # (first month, last month)
MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}  # (first day, last day)
# Seasons as (first month, last month); winter is its earliest part, January.
SEASONS = _table(
    {
        (3, 5): "spring printemps primavera",
        (6, 8): "summer ete verano",
        (9, 11): "autumn fall automne otono",
        (1, 2): "winter hiver invierno",
    }
)
ORDINALS = _table(
    {
        1: "first 1st premier premiere 1er 1re primer primero primera 1o 1a 1",
        2: "second 2nd deuxieme seconde 2e 2eme segundo segunda 2o 2a 2",
        3: "third 3rd troisieme 3e 3eme tercer tercero tercera 3er 3o 3a 3",
        4: "fourth 4th quatrieme 4e 4eme cuarto cuarta 4o 4a 4",
    }
)
QUARTER_WORDS = frozenset({"quarter", "trimestre"})
HALF_WORDS = frozenset({"half", "semester", "semestre", "moitie", "mitad"})
# Small words that may stand between a date word and its year: "end of the year 2025".
CONNECTORS = frozenset(
    {
        *("of", "the", "year", "in", "around", "about"),
        *("de", "du", "des", "d", "l", "la", "le", "en", "annee", "an", "vers"),
        *("del", "el", "ano", "a", "hacia", "por"),
    }
)
