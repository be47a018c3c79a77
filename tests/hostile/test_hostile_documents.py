"""Hostile documents attached to an application: recorded, refused with a reason, never run."""

from __future__ import annotations

import pytest

from tests.hostile import documents
from tests.hostile.forms import application
from tests.hostile.pipeline_run import run

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"


def problem_codes(document) -> list[str]:
    return [problem["code"] for problem in document.problems]


CASES = [
    ("bomb.docx", DOCX, documents.zip_bomb_docx, "PARSE_LIMIT"),
    ("laughs.docx", DOCX, documents.billion_laughs_docx, "PARSE_FAILED"),
    ("entity.docx", DOCX, documents.external_entity_docx, "PARSE_FAILED"),
    ("annex1.docm", DOCM, documents.macro_docm, "UNSUPPORTED_FORMAT"),
    ("encrypted.pdf", PDF, documents.encrypted_pdf, "ENCRYPTED"),
    ("pages.pdf", PDF, documents.many_pages_pdf, "PARSE_LIMIT"),
    ("scan.png", "image/png", documents.huge_png, "PARSE_LIMIT"),
    ("annex1.docx", DOCX, documents.renamed_exe, "UNSUPPORTED_FORMAT"),
]


@pytest.mark.parametrize(
    ("filename", "ctype", "build", "code"), [pytest.param(*case, id=case[0]) for case in CASES]
)
def test_a_hostile_document_is_recorded_with_its_problem(ctx, filename, ctype, build, code):
    data = build()
    recorded = run(ctx, application(data, filename=filename, ctype=ctype))
    (document,) = recorded.documents
    assert (document.filename, document.size) == (filename, len(data))
    assert code in problem_codes(document)
    assert document.role == "other"
    assert recorded.application.status == "needs_review"  # a person looks at what came
    assert ctx.store.read(document.sha256) == data  # kept as sent, for staff


def test_an_external_entity_is_never_resolved(ctx):
    recorded = run(ctx, application(documents.external_entity_docx(), filename="entity.docx"))
    (document,) = recorded.documents
    assert "root:" not in document.text
    assert "root:" not in str(recorded.application.national_authority)


def test_a_page_count_that_lies_is_recorded(ctx):
    data = documents.lying_page_count_pdf()
    recorded = run(ctx, application(data, filename="annex1.pdf", ctype=PDF))
    (document,) = recorded.documents
    assert document.problems and recorded.application.status == "needs_review"


def test_a_pdf_named_docx_is_read_as_the_pdf_it_is(ctx):
    data = documents.BLANK_PDF
    recorded = run(ctx, application(data, filename="annex1.docx", ctype=DOCX))
    (document,) = recorded.documents
    assert document.format.startswith("pdf") and document.role == "application_form"
