"""Section 5: is the form signed, and when.

Signed: a picture, ink or drawing in the signature area, a name typed where the signature
goes, or a digital signature on the file. Unsigned: the area holds only the signature line
(underscores) or nothing, or says it is not signed. A scan cannot be told (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from parsers.dates import parse_date
from parsers.labels import load_label_sets
from parsers.lines import Line
from parsers.textfold import fold

SIGNATURE_KEYS = frozenset({"section_authorisation", "signature", "signature_date"})
_LINE_MARKS = re.compile(r"[_.…\-–—=*/\\|]+")


@dataclass(frozen=True)
class Signature:
    signed: bool
    how: str


def signature_area(lines: list[Line]) -> list[Line] | None:
    """The lines of section 5, from its heading or signature label to the next other label;
    None when the document has no section 5."""
    start = next((n for n, line in enumerate(lines) if line.key in SIGNATURE_KEYS), None)
    if start is None:
        return None
    area: list[Line] = []
    for line in lines[start:]:
        if line.key is not None and line.key not in SIGNATURE_KEYS:
            break
        area.append(line)
    return area


def decide_signature(area: list[Line], digitally_signed: bool) -> Signature:
    if digitally_signed:
        return Signature(True, "digital signature")
    if any(line.has_image for line in area):
        return Signature(True, "picture or drawing in the signature area")
    texts = [_without_date(line) for line in area if line.key != "signature_date"]
    folded = fold(" ".join(texts))
    if any(phrase in folded for phrase in _unsigned_phrases()):
        return Signature(False, "the form says it is not signed")
    if _name_words(folded):
        return Signature(True, "name typed in the signature area")
    return Signature(False, "the signature line is empty")


def signature_date(area: list[Line]) -> str | None:
    """The date of section 5: after "Date", else any date in the area."""
    for n, line in enumerate(area):
        if line.key != "signature_date":
            continue
        found = parse_date(line.answer_text)
        if found is None and n + 1 < len(area) and area[n + 1].key is None:
            found = parse_date(area[n + 1].text)
        if found is not None:
            return found
    for line in area:
        found = parse_date(line.answer_text)
        if found is not None:
            return found
    return None


def _without_date(line: Line) -> str:
    text = _LINE_MARKS.sub(" ", line.answer_text)
    return "" if parse_date(text) else text


def _name_words(folded: str) -> list[str]:
    """Words that are neither caption words nor digits: what is left must be a name."""
    remaining = f" {folded} "
    for phrase in sorted(_caption_words(), key=len, reverse=True):
        remaining = remaining.replace(f" {phrase} ", " ")
    return [w for w in remaining.split() if len(w) > 1 and not w.isdigit() and w not in _SMALL]


_SMALL = frozenset({"of", "the", "de", "la", "le", "el", "du", "del", "and", "et", "y", "a"})


@cache
def _caption_words() -> frozenset[str]:
    words = load_label_sets().section("signature_words").get("caption", [])
    return frozenset(fold(w) for w in words)


@cache
def _unsigned_phrases() -> tuple[str, ...]:
    return tuple(fold(p) for p in load_label_sets().section("signature_words").get("unsigned", []))
