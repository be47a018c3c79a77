"""Fillable PDF forms (AcroForm) through pypdf: each filled field becomes words placed in its
widget's rectangle, so the values fall into the table cell where the applicant typed them;
a checkbox becomes a box character. A signature field with a value means "digitally signed".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

_PUSHBUTTON = 1 << 16
_OFF = {"/Off", "Off", ""}


@dataclass(frozen=True)
class FormWord:
    """A field value placed on a page, in pdfplumber's coordinates (top from the page top)."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    is_checkbox: bool = False
    checked: bool | None = None


@dataclass(frozen=True)
class FormValues:
    words: tuple[FormWord, ...]
    digitally_signed: bool


def read_form_values(reader: PdfReader, max_pages: int) -> FormValues:
    """The filled values of every widget on the first pages."""
    words: list[FormWord] = []
    signed = False
    for number, page in enumerate(reader.pages[:max_pages]):
        box = [float(v) for v in page.mediabox]
        for widget in _widgets(page):
            kind = str(_inherited(widget, "/FT") or "")
            value = _inherited(widget, "/V")
            if kind == "/Sig":
                signed = signed or value is not None
                continue
            if kind == "/Btn":
                words.extend(_checkbox(number, widget, value, box))
                continue
            text = _display_value(value)
            if text:
                words.extend(_place(number, text, widget, box))
    return FormValues(tuple(words), signed)


def _widgets(page: Any) -> Iterator[DictionaryObject]:
    annotations = page.get("/Annots")
    try:
        items = annotations.get_object() if annotations is not None else []
    except Exception:  # a broken reference: no widgets on this page
        return
    for item in items or []:
        try:
            annotation = item.get_object()
        except Exception:  # skip one unreadable annotation, keep the others
            continue
        if isinstance(annotation, DictionaryObject) and annotation.get("/Subtype") == "/Widget":
            yield annotation


def _inherited(widget: DictionaryObject, key: str) -> Any:
    node: Any = widget
    for _ in range(16):
        if node is None:
            return None
        if key in node:
            return node[key].get_object() if hasattr(node[key], "get_object") else node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _checkbox(page: int, widget: DictionaryObject, value: Any, box: list[float]) -> list[FormWord]:
    try:
        flags = int(_inherited(widget, "/Ff") or 0)
    except (TypeError, ValueError):
        flags = 0
    if flags & _PUSHBUTTON:
        return []
    state = checkbox_state(widget, value)
    return [
        replace(word, is_checkbox=True, checked=state) for word in _place(page, "☐", widget, box)
    ]


def _display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def checkbox_state(widget: DictionaryObject, value: Any) -> bool | None:
    """Ticked when the field's value is this widget's "on" name (which is not always /Yes);
    None when the value and the shown appearance disagree."""
    on_names = _on_names(widget)
    shown = widget.get("/AS")
    shown_on = shown is not None and str(shown) not in _OFF
    if value is None or str(value) in _OFF:
        return None if shown_on else False
    ticked = str(value) in on_names if on_names else True
    if shown is not None and shown_on != ticked:
        return None
    return ticked


def _on_names(widget: DictionaryObject) -> set[str]:
    try:
        appearances: Any = widget["/AP"].get_object()
        normal: Any = appearances["/N"].get_object()
        return {str(name) for name in normal if str(name) not in _OFF}
    except (KeyError, AttributeError, TypeError):
        return set()


def _place(page: int, text: str, widget: DictionaryObject, box: list[float]) -> list[FormWord]:
    rect: Any = widget.get("/Rect")
    try:
        x0, y0, x1, y1 = sorted_rect([float(v) for v in rect])
    except (KeyError, ValueError, TypeError):
        return []
    lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
    height = (y1 - y0) / max(len(lines), 1)
    top = box[3] - y1
    return [
        FormWord(
            page, line.strip(), x0 - box[0], top + n * height, x1 - box[0], top + (n + 1) * height
        )
        for n, line in enumerate(lines)
    ]


def sorted_rect(values: list[float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = values[:4]
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
