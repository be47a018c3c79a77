"""The form fields staff can correct: labels, input kinds, and reading a submitted value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from intake.reevaluate import EDITABLE_FIELDS

LABELS = {
    "state_party": "1(a) State Party",
    "national_authority": "National Authority",
    "contact_person": "1(b) Contact person",
    "phone": "1(c) Phone number",
    "emails": "1(c) Email(s)",
    "mode": "Partnership mode",
    "sponsorship_required": "Sponsorship required",
    "justification": "2. Justification and needs analysis",
    "preferred_partner": "3.1 Preferred partner",
    "first_visit_timeline": "3.2 First visit timeline",
    "expected_results": "4. Expected results",
    "signed": "5. Signed",
    "signature_date": "5. Date of signature",
}
LONG_TEXT = {"justification", "preferred_partner", "first_visit_timeline", "expected_results"}
CHOICES = {
    "mode": ("offering", "seeking"),
    "sponsorship_required": ("yes", "no"),
    "signed": ("yes", "no"),
}
MAX_TEXT = 20_000


class BadValue(ValueError):
    """A submitted value that does not fit the field (the text says how)."""


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    value: Any
    text: str  # the value as shown and as pre-filled in the editor
    kind: str  # text | long | choice | date
    choices: tuple[str, ...]
    confidence: float | None
    note: str | None


def field_view(name: str, value: Any, confidence: float | None, note: str | None) -> FieldView:
    kind = (
        "long"
        if name in LONG_TEXT
        else "choice"
        if name in CHOICES
        else "date"
        if name == "signature_date"
        else "text"
    )
    return FieldView(
        name,
        LABELS.get(name, name.replace("_", " ")),
        value,
        display(value),
        kind,
        CHOICES.get(name, ()),
        confidence,
        note,
    )


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_value(name: str, raw: str) -> Any:
    """The typed value of a submitted field; empty means "not given" (None or [])."""
    if name not in EDITABLE_FIELDS:
        raise BadValue(f"{name!r} cannot be corrected")
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise BadValue(f"the value is longer than {MAX_TEXT} characters")
    if name == "emails":
        return [part for part in re.split(r"[\s,;]+", text) if part]
    if not text:
        return None
    if name == "mode":
        if text not in CHOICES["mode"]:
            raise BadValue("the mode is offering or seeking")
        return text
    if name in ("sponsorship_required", "signed"):
        if text not in ("yes", "no"):
            raise BadValue("the answer is yes or no")
        return text == "yes"
    if name == "signature_date":
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise BadValue("the date is written YYYY-MM-DD") from exc
    return text
