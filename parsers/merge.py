"""All documents of one message -> the application as its forms say it (FormData).

Annex 1 fields come from the documents recognised as application forms (a form split over
several files is put back together); a field found with different values in two of them
keeps the value of the fullest form and notes a problem. Annex 2 rows come from every
results framework, and from an application form that carries the table.
"""

from __future__ import annotations

from parsers.model import ExtractedDocument, FieldValue, FormData, ParseProblem, ThematicArea
from parsers.textfold import fold

_DERIVED = ("state_party_code", "region")
FIELD_CONFLICT = "FIELD_CONFLICT"  # two forms of one message disagree on a field


def merge_documents(docs: list[ExtractedDocument]) -> FormData:
    forms = sorted(
        (d for d in docs if d.role == "application_form"),
        key=lambda d: -sum(v.value not in (None, "", []) for v in d.fields.values()),
    )
    fields: dict[str, FieldValue] = {}
    problems: list[ParseProblem] = [
        ParseProblem(
            p.code, p.message if d.filename in p.message else f"{d.filename}: {p.message}", p.field
        )
        for d in docs
        for p in d.problems
    ]
    for doc in forms:
        for name, value in doc.fields.items():
            problems.extend(_merge_field(fields, name, value, doc.filename))
    frameworks = [d for d in docs if d.role == "results_framework"]
    carriers = frameworks + [d for d in forms if d.thematic_areas]
    return FormData(
        fields=fields,
        thematic_areas=_merge_areas(carriers),
        language=next((d.language for d in forms + docs if d.language), None),
        has_application_form=bool(forms),
        has_results_framework=bool(frameworks) or any(d.thematic_areas for d in forms),
        has_prior_assessment=any(d.role == "prior_assessment" for d in docs),
        problems=tuple(problems),
    )


def _merge_field(
    fields: dict[str, FieldValue], name: str, value: FieldValue, filename: str
) -> list[ParseProblem]:
    current = fields.get(name)
    if current is None or _empty(current.value):
        if name in _DERIVED and current is not None and not _empty(current.value):
            return []
        fields[name] = value
        return []
    if _empty(value.value) or _same(current.value, value.value) or name in _DERIVED:
        return []
    message = f"{filename}: {name} differs from the fuller application form's value, which is kept"
    return [ParseProblem(FIELD_CONFLICT, message, name)]


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return fold(a) == fold(b)
    if isinstance(a, list) and isinstance(b, list):
        return {fold(str(x)) for x in a} == {fold(str(x)) for x in b}
    return a == b


def _merge_areas(docs: list[ExtractedDocument]) -> tuple[ThematicArea, ...]:
    """Rows of every results framework: template areas once each, added areas all kept."""
    merged: list[ThematicArea] = []
    numbers: set[int] = set()
    for doc in docs:
        for area in doc.thematic_areas:
            if area.number is not None:
                if area.number in numbers:
                    continue
                numbers.add(area.number)
            merged.append(area)
    return tuple(sorted(merged, key=lambda a: (a.number is None, a.number or 0)))
