"""Ticks a text PDF shows without a ticked character: marks drawn over an empty box, and
Wingdings boxes whose font was replaced when the PDF was made."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

from tests.fixtures.ci import require
from tests.parsers import builders as b
from tests.parsers import pdf_builders as pdf
from tests.parsers import scan_builders as scans
from tests.parsers.conftest import value


def test_an_x_drawn_over_the_box_ticks_it(parse):
    doc = parse("form.pdf", scans.official_form_pdf(mode="Offering", sponsorship="Yes"))
    assert doc.format == "pdf-text"
    assert value(doc, "mode") == "offering" and value(doc, "mode_ticks") == ["offering"]
    assert value(doc, "sponsorship_required") is True


def _with_ink_over(option: str, after: str) -> bytes:
    """The blank PDF form with a pen (Ink) annotation over the box after ``option``."""
    _, _, _, option_end, _ = pdf.word_box(option, after)
    page, x0, top, x1, bottom = scans.box_after(after, option_end)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf.BLANK)))
    height = pdf.page_height(page)
    rect = [x0 - 1, height - bottom - 1, x1 + 1, height - top + 1]
    ink = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Ink"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/InkList"): ArrayObject(
                [ArrayObject(FloatObject(v) for v in (rect[0], rect[1], rect[2], rect[3]))]
            ),
        }
    )
    writer.pages[page][NameObject("/Annots")] = ArrayObject([writer._add_object(ink)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pen_ink_over_a_box_ticks_it(parse):
    doc = parse("form.pdf", _with_ink_over("mentorship", "Partnership mode"))
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is None  # nothing drawn there


def test_wingdings_boxes_in_a_replaced_font(parse, tmp_path):
    """LibreOffice without the Wingdings font writes the ticked box in OpenSymbol, keeping
    the Wingdings character code."""
    data = _exported(tmp_path, b.filled(mode="offering", sponsorship="No", style="wingdings"))
    doc = parse("form.pdf", data)
    assert value(doc, "mode") == "offering"
    assert value(doc, "sponsorship_required") is False


def _exported(tmp_path, document) -> bytes:
    """The .docx printed to PDF by LibreOffice."""
    require(shutil.which("soffice") is not None, "LibreOffice (libreoffice-writer-nogui)")
    source = tmp_path / "form.docx"
    source.write_bytes(b.to_bytes(document))
    profile = f"-env:UserInstallation={(tmp_path / 'p').as_uri()}"
    command = ["soffice", "--headless", profile, "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "form.pdf").read_bytes()


@pytest.mark.parametrize(("mode", "sponsorship"), [("seeking", "Yes"), ("offering", "No")])
def test_legacy_checkboxes_printed_as_drawn_squares(parse, tmp_path, mode, sponsorship):
    """LibreOffice prints a ticked Word legacy checkbox as a square with an X drawn in it
    (no character at all) and an empty one as ☐."""
    data = _exported(tmp_path, b.filled(mode=mode, sponsorship=sponsorship, style="legacy"))
    doc = parse("form.pdf", data)
    assert doc.format == "pdf-text"
    assert value(doc, "mode") == mode and value(doc, "mode_ticks") == [mode]
    assert value(doc, "sponsorship_required") is (sponsorship == "Yes")
