"""Annex 1 fields read from a scan: how sure OCR is of each, and what it cannot establish.

A field's confidence is that of the words it was read from (Tesseract's word confidences,
weighed by their letters). What a scan cannot show is handed to a person, never decided:
an answer found empty may be handwriting OCR did not read, a tick OCR did not see is no
proof that none was made (CHECKBOX_UNCLEAR), and the signature stays unknown.
"""

from __future__ import annotations

from parsers.layout import Span
from parsers.lines import Line
from parsers.model import ANNEX1_FIELDS, FieldValue, ParseProblem

Regions = dict[str, list[list[Line]]]

UNREAD = 0.3  # an answer that is empty on the scan: handwriting or faint ink may be there
MISREAD = 0.5  # a State Party name that names none: probably misread
NOT_FOUND = 0.0  # the field's label was not found on the scan
_SOURCES = {"phone": ("phone", "contact_information"), "emails": ("emails", "contact_information")}
_DERIVED = {"state_party_code": "state_party", "region": "state_party", "mode_ticks": "mode"}
_CHOICES = {"mode": "Partnership mode", "sponsorship_required": "Sponsorship required"}
_UNREADABLE_BOXES = ("a box cannot be read", "the ticked option is struck through")
_SIGNATURE_NOTE = "a scan: whether it is signed cannot be told automatically"


def weigh_scanned_fields(
    values: dict[str, FieldValue],
    problems: list[ParseProblem],
    regions: Regions,
    signature_area: list[Line],
) -> None:
    """Give each field read from a scan its OCR confidence (in place)."""
    for name in _CHOICES:
        if name in values:
            _only_seen_ticks(name, values, problems)
    for name, item in list(values.items()):
        if name == "signed":
            values[name] = FieldValue(None, 1.0, _SIGNATURE_NOTE)
        elif name not in _DERIVED:
            lines = signature_area if name == "signature_date" else _lines(name, regions)
            values[name] = _weighed(item, text_confidence(lines))
    _doubt_unknown_state_party(values)
    for name, source in _DERIVED.items():
        derived = values.get(name)
        if derived is not None and derived.value not in (None, "", []):
            values[name] = FieldValue(derived.value, values[source].confidence, derived.note)
    for name in ANNEX1_FIELDS:
        if name not in values:
            values[name] = FieldValue(None, NOT_FOUND, "not found on the scan")
            if name in _CHOICES:
                _only_seen_ticks(name, values, problems)


def _only_seen_ticks(
    name: str, values: dict[str, FieldValue], problems: list[ParseProblem]
) -> None:
    """A choice on a scan counts only when a tick was seen: a missing option or a missing
    box may be OCR's miss, so an answer inferred from them is left to a person."""
    item = values[name]
    if item.value is not None and (item.note or "").startswith("ticked"):
        return
    if item.value is None and item.note == "more than one option ticked":
        values[name] = FieldValue(None, min(item.confidence, UNREAD), f"{item.note} on the scan")
        return
    note = item.note if item.note in _UNREADABLE_BOXES else "no tick seen on the scan"
    values[name] = FieldValue(None, min(item.confidence, UNREAD), note)
    if not any(p.code == "CHECKBOX_UNCLEAR" and p.field == name for p in problems):
        message = f"{_CHOICES[name]}: no tick could be seen on the scan"
        problems.append(ParseProblem("CHECKBOX_UNCLEAR", message, name))


def _doubt_unknown_state_party(values: dict[str, FieldValue]) -> None:
    written, code = values.get("state_party"), values.get("state_party_code")
    if written is None or not written.value or (code is not None and code.value):
        return
    note = "names no State Party: perhaps misread"
    values["state_party"] = FieldValue(written.value, min(written.confidence, MISREAD), note)


def text_confidence(lines: list[Line]) -> float | None:
    """The confidence of the words in the answers of these lines (None: no words)."""
    total = weight = 0.0
    for line in lines:
        for part in line.answer_parts:
            if isinstance(part, Span):
                letters = len(part.text.strip())
                total += part.confidence * letters
                weight += letters
    return total / weight if weight else None


def _lines(name: str, regions: Regions) -> list[Line]:
    keys = _SOURCES.get(name, (name,))
    return [line for key in keys for region in regions.get(key, []) for line in region]


def _weighed(item: FieldValue, confidence: float | None) -> FieldValue:
    if item.value is None and item.confidence <= UNREAD:  # already judged
        return item
    if item.value in (None, "", []):
        note = "nothing legible here on the scan"
        return FieldValue(item.value, min(item.confidence, UNREAD), note)
    if confidence is None:
        return item
    note = f"{item.note}; read by OCR" if item.note else "read by OCR"
    return FieldValue(item.value, round(min(item.confidence, confidence), 3), note)
