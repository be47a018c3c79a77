"""Which documents a person must read before anyone is answered."""

from __future__ import annotations

from intake.facts import DocumentSummary, doubtful_documents

LOW = ("LOW_CONFIDENCE", "the scan's text was recognised with low confidence (44%)")


def doc(filename: str, role: str, format: str, *problems: tuple[str, str]) -> DocumentSummary:
    return DocumentSummary(filename, role, format, problems)


def test_a_poor_scan_is_named_with_its_reason_whatever_its_role():
    documents = [
        doc("a1.docx", "application_form", "docx"),
        doc("a2.pdf", "other", "pdf-scan", LOW),
    ]
    assert doubtful_documents(documents, forms_missing=False) == (f"a2.pdf: {LOW[1]}",)


def test_a_file_that_could_not_be_converted_is_named():
    missing = ("CONVERSION_UNAVAILABLE", "annex2.rtf: LibreOffice is not installed")
    documents = [doc("annex2.rtf", "other", "rtf", missing)]
    assert doubtful_documents(documents, forms_missing=True) == (missing[1],)


def test_an_unrecognised_scan_counts_only_while_a_form_is_missing():
    documents = [
        doc("a1.docx", "application_form", "docx"),
        doc("letter.jpg", "other", "image"),
        doc("notes.docx", "other", "docx"),
    ]
    assert doubtful_documents(documents, forms_missing=False) == ()
    (reason,) = doubtful_documents(documents, forms_missing=True)
    assert reason.startswith("letter.jpg: a scan that OCR could not recognise")


def test_other_problems_are_not_doubts():
    unclear = ("CHECKBOX_UNCLEAR", "two boxes ticked for the mode")
    documents = [doc("a1.pdf", "application_form", "pdf-scan", unclear)]
    assert doubtful_documents(documents, forms_missing=True) == ()
