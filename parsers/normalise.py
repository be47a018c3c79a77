"""Answers cleaned for use: State Parties looked up, phones and emails tidied.

The State Parties of the Convention, with their ISO 3166-1 alpha-3 code and OPCW regional
group, are data (``parsers/data/states_parties.csv``). Names are matched as written in
English, French or Spanish (pycountry's translations), with common variants and official
long names ("Republic of Kenya", "United Mexican States").
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import gettext
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from parsers.textfold import fold, tidy

STATES_FILE = Path(__file__).parent / "data" / "states_parties.csv"
_FORMS_OF_STATE = re.compile(
    r"^(?:the |la |el |le |l )?(?:"
    r"(?:(?:federal|islamic|democratic|socialist|people s|united|plurinational|bolivarian|"
    r"cooperative|oriental|arab|hashemite) )*(?:republic|kingdom|state|commonwealth|federation|"
    r"principality|grand duchy|sultanate|union|emirate|independent state|federated states)"
    r"|republique|royaume|etat|principaute|republica|reino|estado|principado"
    r")(?: (?:of|de|du|des|d|del|de la|of the))?(?: the| la| el| l)? "
)
_PHONE_LABEL = re.compile(
    r"^\s*(?:tel(?:ephone|éphone|éfono|efono)?|t[ée]l|phone|mobile|mob|cell|portable|m[óo]vil|"
    r"office|fax)\.?\s*(?:number|no\.?|n°)?\s*[:.\-]?\s*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^\s,;/<>()\[\]:\"']+@[^\s,;/<>()\[\]\"']+")


@dataclass(frozen=True)
class StateParty:
    name: str  # the name on the list of States Parties
    code: str  # ISO 3166-1 alpha-3
    region: str  # OPCW regional group


def lookup_state_party(name: str) -> StateParty | None:
    """The State Party a name means, or None when it names no State Party."""
    index = _index()
    key = _key(name)
    if not key:
        return None
    for candidate in _candidates(name or ""):
        if candidate in index:
            return index[candidate]
    if len(key) >= 5:
        close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.9)
        if close:
            return index[close[0]]
    return None


def _key(name: str) -> str:
    folded = fold(name or "")
    return folded[4:] if folded.startswith("the ") else folded


def _candidates(name: str) -> list[str]:
    """The name, then without brackets, then without "Republic of" and the like."""
    key = _key(name)
    plain = _key(re.sub(r"\(.*?\)|\[.*?\]", " ", name))
    found = [key, plain]
    for variant in (plain, key):
        shorter = _FORMS_OF_STATE.sub("", variant + " ", count=1).strip()
        while shorter and shorter not in found:
            found.append(shorter)
            shorter = _FORMS_OF_STATE.sub("", shorter + " ", count=1).strip()
    return [c for c in found if c]


@cache
def _index() -> dict[str, StateParty]:
    """Every known spelling, folded, to its State Party."""
    index: dict[str, StateParty] = {}
    translations = [_translation(lang) for lang in ("fr", "es")]
    with STATES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            party = StateParty(row["name"], row["code"], row["region"])
            for spelling in _spellings(row, translations):
                index.setdefault(_key(spelling), party)
    index.pop("", None)
    return index


def _spellings(row: dict[str, str], translations: list[gettext.NullTranslations]) -> list[str]:
    names = [row["name"], *filter(None, row.get("aliases", "").split(";"))]
    country = pycountry.countries.get(alpha_3=row["code"])
    if country is not None:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.append(value)
                names.extend(t.gettext(value) for t in translations)
    names.extend(_inverted(n) for n in list(names) if ", " in n)
    return names


def _inverted(name: str) -> str:
    head, _, tail = name.partition(", ")
    return f"{tail} {head}"


def _translation(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def clean_phone(text: str) -> str | None:
    """The phone number(s) as written, without a "Tel.:" label; None when empty."""
    value = tidy(_PHONE_LABEL.sub("", tidy(text).replace("\n", ", "), count=1))
    return value.strip(" ,;") or None


def phone_is_plausible(text: str) -> bool:
    """Whether the text holds something phonenumbers accepts as a phone number."""
    candidate = re.sub(r"^\s*00", "+", text)
    try:
        return any(True for _ in phonenumbers.PhoneNumberMatcher(candidate, "ZZ")) or bool(
            re.search(r"\d[\d\s().-]{6,}\d", text)
        )
    except Exception:  # phonenumbers raises on odd input; the text is still shown as written
        return False


def find_emails(text: str) -> list[str]:
    """Every address in the text, in order, without duplicates; valid ones normalised."""
    found: list[str] = []
    for token in _EMAIL.findall(text.replace("mailto:", " ")):
        address = token.strip(".,;")
        with contextlib.suppress(EmailNotValidError):
            address = validate_email(address, check_deliverability=False).normalized
        if address.casefold() not in (f.casefold() for f in found):
            found.append(address)
    return found
