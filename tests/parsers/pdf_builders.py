"""Text and fillable PDFs for the tests, made from the official blank PDF form."""

from __future__ import annotations

import io

import pdfplumber
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.parsers.builders import FORMS

BLANK = (FORMS / "annex1-application-form.pdf").read_bytes()


def find(text: str, data: bytes = BLANK) -> tuple[int, float, float, float, float]:
    """(page, x0, top, x1, bottom) of the first line that starts with the text."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            for line in page.extract_text_lines():
                if line["text"].startswith(text):
                    return number, line["x0"], line["top"], line["x1"], line["bottom"]
    raise KeyError(text)


def _font() -> DictionaryObject:
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helvetica})}
    )


def overlay(
    writes: list[tuple[int, float, float, str]],
    data: bytes = BLANK,
    drawings: list[tuple[int, str]] = (),
) -> bytes:
    """The PDF with text written at (page, x, top) in Helvetica 9 pt, and raw drawing
    operators (in PDF coordinates) added to pages."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for number, page in enumerate(writer.pages):
        height = float(page.mediabox.height)
        ops = []
        for _, x, top, text in (w for w in writes if w[0] == number):
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /Helv 9 Tf {x:.1f} {height - top - 8:.1f} Td ({escaped}) Tj ET")
        ops.extend(drawing for page_number, drawing in drawings if page_number == number)
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("cp1252"))
        layer = PageObject.create_blank_page(width=page.mediabox.width, height=height)
        layer[NameObject("/Contents")] = writer._add_object(stream)
        layer[NameObject("/Resources")] = _font()
        page.merge_page(layer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_fields(fields: list[dict], data: bytes = BLANK) -> bytes:
    """The PDF with AcroForm widgets: dicts of page, rect (PDF units), and name, kind, value,
    plus for checkboxes the "on" name and the shown state."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    references = []
    for spec in fields:
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/T"): TextStringObject(spec["name"]),
                NameObject("/FT"): NameObject(spec["kind"]),
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in spec["rect"]),
                NameObject("/F"): NumberObject(4),
            }
        )
        if spec["kind"] == "/Btn":
            on = spec["on"]
            empty = writer._add_object(DecodedStreamObject())
            widget[NameObject("/AP")] = DictionaryObject(
                {
                    NameObject("/N"): DictionaryObject(
                        {NameObject(on): empty, NameObject("/Off"): empty}
                    )
                }
            )
            widget[NameObject("/AS")] = NameObject(spec["shown"])
            if spec.get("value"):
                widget[NameObject("/V")] = NameObject(spec["value"])
        elif spec.get("value") is not None:
            widget[NameObject("/V")] = TextStringObject(spec["value"])
        reference = writer._add_object(widget)
        page = writer.pages[spec["page"]]
        annotations = page.get("/Annots") or ArrayObject()
        annotations.append(reference)
        page[NameObject("/Annots")] = annotations
        references.append(reference)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(references)}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def word_box(word: str, after: str, data: bytes = BLANK) -> tuple[int, float, float, float, float]:
    """(page, x0, top, x1, bottom) of a word on the line that starts with ``after``."""
    page, _, line_top, _, line_bottom = find(after, data)
    with pdfplumber.open(io.BytesIO(data)) as document:
        for found in document.pages[page].extract_words():
            if found["text"] == word and line_top - 1 <= found["top"] <= line_bottom:
                return page, found["x0"], found["top"], found["x1"], found["bottom"]
    raise KeyError(word)


def page_height(page: int, data: bytes = BLANK) -> float:
    return float(PdfReader(io.BytesIO(data)).pages[page].mediabox.height)


def rect_at(page: int, x0: float, top: float, x1: float, bottom: float, data: bytes = BLANK):
    """A pdfplumber box (top from the page top) as a PDF rectangle."""
    height = float(PdfReader(io.BytesIO(data)).pages[page].mediabox.height)
    return [x0, height - bottom, x1, height - top]
