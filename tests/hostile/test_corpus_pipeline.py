"""The hostile corpus through the real pipeline: every file recorded, none lost, none a crash."""

from __future__ import annotations

import mimetypes

import pytest

from intake.mime import parse_message
from tests.hostile.pipeline_run import run
from tests.intake.messages import corpus_params, plain, with_file


@pytest.mark.parametrize("path", corpus_params("mail"))
def test_corpus_message_is_recorded(shared_ctx, path):
    raw = path.read_bytes()
    recorded = run(shared_ctx, raw, key=f"corpus:{path.name}")
    if recorded.result.outcome == "automatic":
        assert recorded.message.is_automatic and recorded.notifications == []
    if recorded.result.outcome == "duplicate":
        assert recorded.message.message_id  # the same Message-ID from the same sender came first
    if recorded.application is not None:  # every attachment is kept, read or not
        found = parse_message(raw, programme_address=shared_ctx.settings.notifications.from_address)
        assert len(recorded.documents) == len(found.attachments)


def application_with(path) -> bytes:
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    message = plain(subject=f"Application {path.name}", message_id=f"<{path.name}@na.example.org>")
    return with_file(message, path.name, path.read_bytes(), ctype).as_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("path", [*corpus_params("pdf"), *corpus_params("docx")])
def test_corpus_document_makes_a_recorded_application(shared_ctx, path):
    recorded = run(shared_ctx, application_with(path), key=f"document:{path.name}")
    (document,) = recorded.documents
    assert document.filename == path.name and document.size == path.stat().st_size
    assert recorded.application is not None
    if document.role != "application_form":
        assert recorded.application.status == "needs_review"  # files came, no form was found
    if path.suffix == ".pdf":
        assert document.problems or document.text.strip()  # read, or the reason it was not
