"""Layout -> ExtractedDocument: fields found by their labels, never by position.

The document is read as lines; each label starts the answer region of its field, which runs
to the next label of any kind. Rows added, removed or reordered, answers beside or below
their labels, "Label: answer" lines and forms retyped as headings all read the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from parsers.annex2 import read_framework
from parsers.choices import Choice, decide_choice, has_tick_mark, mentions_option
from parsers.labels import BOILERPLATE, LabelSets, load_label_sets
from parsers.layout import Layout
from parsers.lines import Line, document_lines
from parsers.model import ExtractedDocument, FieldValue, ParseProblem
from parsers.normalise import clean_phone, find_emails, lookup_state_party, phone_is_plausible
from parsers.roles import decide_role
from parsers.scan_fields import weigh_scanned_fields
from parsers.signature import decide_signature, signature_area, signature_date
from parsers.textfold import fold, tidy

SHORT_FIELDS = ("national_authority", "state_party", "contact_person")
LONG_FIELDS = ("justification", "preferred_partner", "first_visit_timeline", "expected_results")
CHOICE_FIELDS = {"mode": "Partnership mode", "sponsorship_required": "Sponsorship required"}
_CHOICE_VALUES = {"sponsorship_required": {"yes": True, "no": False}}
Regions = dict[str, list[list[Line]]]


@dataclass
class _Fields:
    values: dict[str, FieldValue] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)


def extract_document(layout: Layout, filename: str, max_text_chars: int) -> ExtractedDocument:
    """Everything a document tells: its role, language, Annex 1 fields and Annex 2 rows."""
    sets = load_label_sets()
    lines = document_lines(layout, sets)
    framework = read_framework(layout.blocks)
    unread_scan = layout.format == "pdf-scan" and not layout.recognised
    role = decide_role(lines, framework is not None, scanned=unread_scan)
    found = _Fields()
    if role == "application_form" and not unread_scan:
        found = read_annex1(lines, layout.digitally_signed, sets, recognised=layout.recognised)
    areas = framework.areas if framework and role != "other" else ()
    return ExtractedDocument(
        filename=filename,
        role=role,
        fields=found.values,
        thematic_areas=areas,
        language=detect_language(lines),
        problems=(*layout.problems, *found.problems),
        text=layout.text[:max_text_chars],
        format=layout.format,
    )


def detect_language(lines: list[Line]) -> str | None:
    """The language whose labels matched most lines (form labels only)."""
    counts = Counter(line.match.label.language for line in lines if line.match is not None)
    return counts.most_common(1)[0][0] if counts else None


def read_annex1(
    lines: list[Line], digitally_signed: bool, sets: LabelSets, *, recognised: bool = False
) -> _Fields:
    """The Annex 1 fields; ``recognised``: the lines were read by OCR from a scan."""
    regions = answer_regions(lines)
    found = _Fields()
    for key in SHORT_FIELDS:
        if key in regions:
            found.values[key] = FieldValue(_first_text(regions[key], " "))
    for key in LONG_FIELDS:
        if key in regions:
            cleaned = [_without_instruction(region) for region in regions[key]]
            found.values[key] = FieldValue(_joined_text(cleaned))
    _read_contact(regions, found)
    for key in CHOICE_FIELDS:
        _read_choice(key, lines, regions, sets, found)
    _read_signature(lines, digitally_signed, found)
    _derive_state_party(found)
    if recognised:
        area = signature_area(lines) or []
        weigh_scanned_fields(found.values, found.problems, regions, area)
    return found


def answer_regions(lines: list[Line]) -> Regions:
    """For each label key, its answer regions: the lines after each of its labels."""
    regions: Regions = {}
    current: list[Line] | None = None
    current_key: str | None = None
    for line in lines:
        if line.match is None:
            if current is not None:
                current.append(line)
            continue
        if line.key == BOILERPLATE:
            current, current_key = None, None
            continue
        if current is None or current or line.key != current_key:
            current, current_key = [], line.key
            regions.setdefault(line.key or "", []).append(current)
        if line.answer_parts:
            current.append(Line(line.answer_parts, line.has_image))
    return regions


def _region_text(region: list[Line], separator: str) -> str:
    texts = (tidy(line.text) for line in region)
    return tidy(separator.join(t for t in texts if t.strip("_ .…-–—")))


def _first_text(regions: list[list[Line]], separator: str) -> str | None:
    for region in regions:
        text = _region_text(region, separator).replace("\n", " ")
        if text:
            return text
    return None


def _joined_text(regions: list[list[Line]]) -> str | None:
    texts = list(dict.fromkeys(t for r in regions if (t := _region_text(r, "\n"))))
    return "\n".join(texts) or None


def _without_instruction(region: list[Line]) -> list[Line]:
    """The region without a leading instruction worded unlike the label sets ("Please
    describe ..."), when an answer follows it."""
    if len(region) < 2 or not region[0].text.strip():
        return region
    words = f" {fold(region[0].text)} "
    openers, verbs = _instruction_words()
    if any(words.startswith(f" {o} ") for o in openers) and any(f" {v} " in words for v in verbs):
        return region[1:]
    return region


@cache
def _instruction_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    section = load_label_sets().section("instructions")
    return tuple(fold(o) for o in section.get("openers", [])), tuple(
        fold(v) for v in section.get("verbs", [])
    )


def _read_contact(regions: Regions, found: _Fields) -> None:
    """Phone and emails, each under its own label, else anywhere in 1(c)."""
    contact_text = _joined_text(regions.get("contact_information", [])) or ""
    phone_text = _joined_text(regions.get("phone", [])) or ""
    email_text = _joined_text(regions.get("emails", [])) or ""
    emails = find_emails(email_text) or find_emails(f"{contact_text}\n{phone_text}")
    for address in find_emails(phone_text):
        phone_text = phone_text.replace(address, " ")
    phone = clean_phone(phone_text) if phone_text.strip() else None
    if phone is None and contact_text:
        phone = _phone_in(contact_text, emails)
    if any(k in regions for k in ("phone", "contact_information")) or phone:
        note = None if phone is None or phone_is_plausible(phone) else "not a recognisable number"
        found.values["phone"] = FieldValue(phone, 0.8 if note else 1.0, note)
    if any(k in regions for k in ("emails", "contact_information")) or emails:
        found.values["emails"] = FieldValue(emails)


def _phone_in(text: str, emails: list[str]) -> str | None:
    for address in emails:
        text = text.replace(address, " ")
    lines = [line for line in text.split("\n") if phone_is_plausible(line)]
    return clean_phone(lines[0]) if lines else None


def _read_choice(
    key: str, lines: list[Line], regions: Regions, sets: LabelSets, found: _Fields
) -> None:
    options = sets.options.get(key, {})
    region = [line for r in regions.get(key, []) for line in r]
    if key not in regions:
        region = [
            line
            for line in lines
            if line.key is None and has_tick_mark(line) and mentions_option(line, options)
        ]
        if not region:
            return
    choice = decide_choice(region, options)
    value = _CHOICE_VALUES.get(key, {}).get(choice.value or "", choice.value)
    inferred = choice.value is not None and not choice.ticked
    found.values[key] = FieldValue(value, 0.9 if inferred else 1.0, choice.how)
    if key == "mode":
        found.values["mode_ticks"] = FieldValue(list(choice.ticked))
    if choice.unclear:
        found.problems.append(_unclear(key, choice))


def _unclear(key: str, choice: Choice) -> ParseProblem:
    return ParseProblem("CHECKBOX_UNCLEAR", f"{CHOICE_FIELDS[key]}: {choice.how}", key)


def _read_signature(lines: list[Line], digitally_signed: bool, found: _Fields) -> None:
    area = signature_area(lines)
    if area is None:
        if digitally_signed:
            found.values["signed"] = FieldValue(True, note="digital signature")
        return
    signature = decide_signature(area, digitally_signed)
    found.values["signed"] = FieldValue(signature.signed, note=signature.how)
    found.values["signature_date"] = FieldValue(signature_date(area))


def _derive_state_party(found: _Fields) -> None:
    written = found.values.get("state_party")
    if written is None:
        return
    party = lookup_state_party(written.value) if written.value else None
    found.values["state_party_code"] = FieldValue(party.code if party else None)
    found.values["region"] = FieldValue(party.region if party else None)
