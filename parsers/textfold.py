"""Text folded for matching: case, accents, punctuation and spacing do not count.

``fold_with_map`` also says where each folded character came from, so that a label found in
the folded text can be cut from the original text with its wording intact.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_ENUMERATOR = re.compile(
    r"^\s*(?:(?:section|secci[oó]n)\s+\d+\s*[.:)-]?\s*)?"
    r"(?:\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-h]|[ivx]{1,4})[.)\]](?=\s|$)\s*"
    r"|\d{1,2}(?:\.\d{1,2})+(?=\s|$)\s*)*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


@cache
def _fold_char(char: str) -> str:
    """One character folded: lower case, no accent; letters and digits kept, the rest a space."""
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in kept) or " "


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text (single spaces, no leading or trailing space) and, for each folded
    character, the index of the original character it came from.

    A space is put between letters and digits ("mentorship1" -> "mentorship 1") so that a
    footnote mark does not hide a word.
    """
    out: list[str] = []
    index_map: list[int] = []
    previous = " "
    for i, char in enumerate(text):
        for folded in _fold_char(char):
            if folded == " " and previous == " ":
                continue
            if _letter_meets_digit(previous, folded):
                out.append(" ")
                index_map.append(i)
            out.append(folded)
            index_map.append(i)
            previous = folded
    while out and out[-1] == " ":
        out.pop()
        index_map.pop()
    return "".join(out), index_map


def _letter_meets_digit(previous: str, current: str) -> bool:
    if " " in (previous, current) or previous.isdigit() == current.isdigit():
        return False
    return previous.isalpha() or current.isalpha()


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Folded text for comparisons (see ``fold_with_map``)."""
    return fold_with_map(text)[0]


def strip_enumerator(text: str) -> str:
    """Drop a leading "SECTION 2.", "(a)", "1." or "iii)" from a line."""
    return _ENUMERATOR.sub("", text, count=1)


def tidy(text: str) -> str:
    """Whitespace tidied: spaces collapsed inside lines, blank lines dropped, wording intact."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return fold(text).split()
