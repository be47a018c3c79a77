"""The official forms filled in with one applicant's answers: Annex 1 as .docx or as a typed
text PDF, Annex 2 as .docx. Built with the same helpers as the parser tests."""

from __future__ import annotations

import io
import random
import textwrap
from functools import cache

from PIL import Image

from bench.applicants import Applicant
from tests.parsers import builders as docx_forms
from tests.parsers import pdf_builders as pdf_forms

PDF_LINE = 11.0  # points between typed lines
PDF_WIDTH = 100  # characters on one typed line


def annex1_docx(applicant: Applicant, rng: random.Random) -> bytes:
    document = docx_forms.blank()
    # Ticked before the answers are written: an answer such as "Norway" would otherwise
    # be taken for the option "No".
    mode = "Offering mentorship" if applicant.mode == "offering" else "Seeking mentorship"
    docx_forms.tick(document, mode, applicant.tick_style)
    docx_forms.tick(document, "Yes" if applicant.sponsorship else "No", applicant.tick_style)
    answers = {
        "National Authority": applicant.authority,
        "(a) State Party": applicant.state.name,
        "(b) Contact person": applicant.contact,
    }
    for label, answer in answers.items():
        docx_forms.write(docx_forms.cell_right_of(document, label), answer)
    docx_forms.label_cell(document, "Phone number").add_paragraph(applicant.phone)
    docx_forms.label_cell(document, "Email(s)").add_paragraph("; ".join(applicant.emails))
    below = {
        "Please describe the motivation": applicant.justification,
        "Please indicate which National Authority": applicant.partner,
        "Please indicate suggested timelines": applicant.timeline,
        "Please briefly describe each expected": applicant.results,
    }
    for start, answer in below.items():
        docx_forms.write(docx_forms.cell_below(document, start), answer)
    date_cell = docx_forms.label_cell(document, "Date:")
    date_cell.paragraphs[0].text = f"Date: {applicant.sign_date}"
    docx_forms.add_signature_picture(document)
    if applicant.docx_picture_bytes:
        picture = io.BytesIO(noise_jpeg(rng, applicant.docx_picture_bytes))
        document.add_paragraph().add_run().add_picture(picture)
    return docx_forms.to_bytes(document)


def annex2_docx(applicant: Applicant) -> bytes:
    return docx_forms.to_bytes(docx_forms.fill_annex2(applicant.areas))


def annex1_pdf(applicant: Applicant) -> bytes:
    """The official PDF with the answers typed on it and X drawn in the chosen boxes."""
    date_page, _, date_top, date_end, _ = _anchor("Date:")
    writes = [
        _beside("National Authority", applicant.authority),
        _beside("(a) State Party", applicant.state.name),
        _beside("(b) Contact person", applicant.contact),
        *_below("(c) Contact information", 226, [applicant.phone], 2),
        *_below("(c) Contact information", 385, [", ".join(applicant.emails)], 2),
        *_below("achievements in those areas.", 62, _lines(applicant.justification, 16), 6),
        *_below("whether the initial agreement", 84, _lines(applicant.partner, 4), 6),
        *_below("2. Please indicate suggested", 84, _lines(applicant.timeline, 2), 6),
        *_below("results framework document.", 84, _lines(applicant.results, 10), 6),
        (date_page, date_end + 4, date_top, applicant.sign_date),
        _beside("__________________________________", f"/s/ {applicant.contact}", x=62),
    ]
    drawings = [
        _cross("Partnership mode", "Offering" if applicant.mode == "offering" else "mentorship"),
        _cross("Sponsorship required", "Yes" if applicant.sponsorship else "No"),
    ]
    return pdf_forms.overlay(writes, drawings=drawings)


def noise_jpeg(rng: random.Random, size: int) -> bytes:
    """A photograph-like JPEG of about ``size`` bytes (random pixels barely compress)."""
    side = max(16, int((size / 0.9) ** 0.5))
    image = Image.frombytes("L", (side, side), rng.randbytes(side * side))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _lines(text: str, most: int) -> list[str]:
    return textwrap.wrap(text, PDF_WIDTH)[:most]


@cache
def _anchor(text: str) -> tuple[int, float, float, float, float]:
    return pdf_forms.find(text)


def _beside(label: str, answer: str, *, x: float = 226) -> tuple[int, float, float, str]:
    page, _, top, _, _ = _anchor(label)
    return page, x, top, answer


def _below(
    label: str, x: float, lines: list[str], gap: float
) -> list[tuple[int, float, float, str]]:
    page, _, _, _, bottom = _anchor(label)
    return [(page, x, bottom + gap + n * PDF_LINE, line) for n, line in enumerate(lines)]


@cache
def _box_after(label: str, option: str) -> tuple[int, float, float, float, float]:
    """The box glyph that follows ``option`` on the line of ``label``."""
    import pdfplumber

    _, _, _, option_end, _ = pdf_forms.word_box(option, label)
    page, _, line_top, _, line_bottom = _anchor(label)
    with pdfplumber.open(io.BytesIO(pdf_forms.BLANK)) as document:
        boxes = [
            w
            for w in document.pages[page].extract_words()
            if w["text"] == "☐" and line_top - 1 <= w["top"] <= line_bottom and w["x0"] > option_end
        ]
    first = min(boxes, key=lambda w: w["x0"])
    return page, first["x0"], first["top"], first["x1"], first["bottom"]


def _cross(label: str, option: str) -> tuple[int, str]:
    page, x0, top, x1, bottom = _box_after(label, option)
    height = pdf_forms.page_height(page)
    left, low, right, high = x0 + 2.5, height - bottom + 3.5, x1 - 2.5, height - top - 3.5
    return page, (
        f"1.2 w {left:.1f} {low:.1f} m {right:.1f} {high:.1f} l S "
        f"{left:.1f} {high:.1f} m {right:.1f} {low:.1f} l S"
    )
