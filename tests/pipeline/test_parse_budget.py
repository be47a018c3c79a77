"""A message's attachments share one parsing budget: those left when it is spent are stored,
not read, and the application goes to staff."""

from __future__ import annotations

import email
import email.policy

from db.models import Application, Document
from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import BlobStore, sha256_hex
from tests.pipeline.helpers import SAMPLES, make_settings, rows


def _with_both_annexes() -> bytes:
    for path in SAMPLES:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if len(list(message.iter_attachments())) >= 2:
            return path.read_bytes()
    raise AssertionError("no sample with two attachments")


def _run(tmp_path, sqlite_url, budget: float) -> tuple[Application, list[Document]]:
    settings = make_settings(tmp_path, sqlite_url, parsers={"message_budget_seconds": budget})
    engine = make_engine(sqlite_url)
    migrate(engine)
    raw = _with_both_annexes()
    try:
        process_message(
            IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None),
            make_context(settings, engine, worker_id="budget"),
        )
        (application,) = rows(engine, Application)
        return application, rows(engine, Document)
    finally:
        engine.dispose()


def test_attachments_past_the_budget_are_kept_but_not_read(tmp_path, sqlite_url):
    application, documents = _run(tmp_path, sqlite_url, budget=1e-6)
    first, *rest = sorted((doc for doc in documents if not doc.inline), key=lambda doc: doc.id)
    assert first.role != "other" and not first.problems  # read: the budget starts with it
    assert rest and all(doc.role == "other" for doc in rest)
    for doc in rest:
        (problem,) = doc.problems
        assert problem["code"] == "PARSE_LIMIT" and "parsing" in problem["message"]
        assert BlobStore(tmp_path / "data").path_for("blobs", doc.sha256).is_file()  # kept
    assert application.status == "needs_review"
    assert "needs_review: a document could not be read" in application.decision_reasons


def test_a_normal_budget_reads_every_attachment(tmp_path, sqlite_url):
    _application, documents = _run(tmp_path, sqlite_url, budget=600)
    assert not [doc for doc in documents if doc.problems]
