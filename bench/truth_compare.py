"""Compare what the parsers read from sample messages with the expected values of a
truth.json (the rules are in the samples' README):

strings case- and whitespace-insensitively; ``prefix_fields`` by their first characters;
``phone`` by digits; ``emails`` as a set; ``alternatives`` accepted; ``thematic_areas`` by
number (or title for added rows) and which of the four columns are filled; ``documents`` by
role.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parsers import merge_documents, parse_attachment
from parsers.model import ExtractedDocument, FormData

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
AREA_FLAGS = ("outputs", "output_indicators", "outcomes", "outcome_indicators")
# Fields the parsers produce; the others in truth.json (review_cycle) come from the pipeline.
PARSER_FIELDS = frozenset(
    {
        "state_party",
        "state_party_code",
        "region",
        "national_authority",
        "contact_person",
        "phone",
        "emails",
        "mode",
        "sponsorship_required",
        "justification",
        "preferred_partner",
        "first_visit_timeline",
        "expected_results",
        "signed",
        "signature_date",
        "thematic_areas",
    }
)


@dataclass(frozen=True)
class Check:
    case: str
    field: str
    ok: bool
    expected: Any
    actual: Any


def message_attachments(path: Path) -> list[tuple[str, bytes]]:
    """(filename, bytes) of every attachment of an .eml file."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    found = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append((part.get_filename() or "attachment", data))
    return found


def read_message(path: Path) -> list[ExtractedDocument]:
    """Every attachment of an .eml file, parsed."""
    return [parse_attachment(name, data) for name, data in message_attachments(path)]


def actual_values(form: FormData) -> dict[str, Any]:
    """The merged form as export-like values."""
    values = {name: field.value for name, field in form.fields.items()}
    values["thematic_areas"] = [
        {"number": a.number, "title": a.title, **{f: bool(getattr(a, f)) for f in AREA_FLAGS}}
        for a in form.thematic_areas
    ]
    return values


def check_case(
    case: dict[str, Any], docs: list[ExtractedDocument], truth: dict[str, Any]
) -> list[Check]:
    """One Check per expected parser field and per expected document role."""
    actual = actual_values(merge_documents(docs))
    checks = []
    for name, expected in case.get("fields", {}).items():
        if name not in PARSER_FIELDS:
            continue
        accepted = [expected, *case.get("alternatives", {}).get(name, [])]
        value = actual.get(name)
        ok = any(same_value(name, a, value, truth) for a in accepted)
        checks.append(Check(case["id"], name, ok, expected, value))
    roles = {d.filename: d.role for d in docs}
    for document in case.get("documents", []):
        role = roles.get(document["filename"])
        checks.append(Check(case["id"], "documents", role == document["role"], document, role))
    return checks


def same_value(name: str, expected: Any, actual: Any, truth: dict[str, Any]) -> bool:
    if expected is None:
        return actual in (None, "", [])
    if name == "thematic_areas":
        return _same_areas(expected, actual or [])
    if name == "phone":
        return _digits(expected) == _digits(actual or "")
    if name == "emails":
        return {_norm(e) for e in expected} == {_norm(e) for e in actual or []}
    if isinstance(expected, bool) or not isinstance(expected, str):
        return expected == actual
    if not isinstance(actual, str):
        return False
    if name in truth.get("prefix_fields", ()):
        return _norm(actual).startswith(_norm(expected))
    return _norm(actual) == _norm(expected)


def _same_areas(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> bool:
    if len(expected) != len(actual):
        return False
    remaining = list(actual)
    for row in expected:
        match = next((a for a in remaining if _same_row(row, a)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _same_row(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    if expected.get("number") != actual.get("number"):
        return False
    untitled = expected.get("number") is None and "title" in expected
    if untitled and _title(expected["title"]) != _title(actual.get("title") or ""):
        return False
    return all(bool(expected.get(f)) == bool(actual.get(f)) for f in AREA_FLAGS if f in expected)


def _title(text: str) -> str:
    return _norm(re.sub(r"^\s*\d{1,2}[.)]\s*", "", text))


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _digits(text: Any) -> str:
    return re.sub(r"\D", "", str(text))
