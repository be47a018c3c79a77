"""A document's role from its content, never from its file name.

- application_form: it carries Annex 1 labels (three distinct ones at least; a form split over
  several files still counts, e.g. the signature page alone has its heading, signature and
  date labels). When it also holds the Annex 2 table it stays "application_form".
- results_framework: it holds the Annex 2 table.
- prior_assessment: its opening names an assessment of the results of an earlier
  partnership in the programme (para 12 of the call).
- other: anything else.
"""

from __future__ import annotations

from functools import cache

from parsers.labels import BOILERPLATE, load_label_sets
from parsers.lines import Line
from parsers.model import DocumentRole
from parsers.textfold import fold

ANNEX1_KEYS = frozenset(
    {
        "national_authority",
        "state_party",
        "contact_person",
        "contact_information",
        "phone",
        "emails",
        "mode",
        "sponsorship_required",
        "justification",
        "preferred_partner",
        "first_visit_timeline",
        "expected_results",
        "signature",
        "signature_date",
        "section_contact",
        "section_preferences",
        "section_authorisation",
        "form_title",
    }
)
_MIN_ANNEX1_LABELS = 3
_OPENING_LINES = 12


def annex1_label_count(lines: list[Line]) -> int:
    """How many different Annex 1 labels the document carries."""
    return len({line.key for line in lines if line.key in ANNEX1_KEYS})


def decide_role(lines: list[Line], has_framework: bool, *, scanned: bool = False) -> DocumentRole:
    """The role of one document. A scan (little or no text) is judged on its titles only."""
    if scanned:
        return _role_from_titles(lines)
    if annex1_label_count(lines) >= _MIN_ANNEX1_LABELS:
        return "application_form"
    if has_framework:
        return "results_framework"
    if _is_prior_assessment(lines):
        return "prior_assessment"
    return "other"


def _role_from_titles(lines: list[Line]) -> DocumentRole:
    folded = " ".join(fold(line.text) for line in lines)
    if any(title in folded for title in _phrases("form_title", from_labels=True)):
        return "application_form"
    if any(title in folded for title in _framework_titles()):
        return "results_framework"
    return "other"


def _is_prior_assessment(lines: list[Line]) -> bool:
    opening = [fold(line.text) for line in lines if line.text.strip() and line.key != BOILERPLATE]
    head = opening[:_OPENING_LINES]
    joined = " ".join(head)
    titled = any(phrase in joined for phrase in _phrases("prior_assessment")) or any(
        _has_word(line, "assessment_words") and _has_word(line, "result_words") for line in head
    )
    whole = " ".join(opening)
    return titled and any(phrase in whole for phrase in _phrases("programme"))


def _has_word(folded_line: str, key: str) -> bool:
    padded = f" {folded_line} "
    return any(f" {word} " in padded for word in _phrases(key))


@cache
def _phrases(key: str, *, from_labels: bool = False) -> tuple[str, ...]:
    sets = load_label_sets()
    section = sets.section("labels" if from_labels else "roles")
    return tuple(fold(text) for text in section.get(key, []))


@cache
def _framework_titles() -> tuple[str, ...]:
    titles = [
        t
        for data in load_label_sets().raw.values()
        for t in data.get("annex2", {}).get("title", [])
    ]
    return tuple(fold(t) for t in titles)
