"""Attachment names from senders never choose where a file is written; they are shown cleaned."""

from __future__ import annotations

import re
from pathlib import Path

from tests.hostile.forms import DOCX, form_docx
from tests.hostile.pipeline_run import run
from tests.intake.messages import plain, with_file, zipped

NAMES = {
    "../../../../../../tmp/mpp-evil-1.docx": "mpp-evil-1.docx",
    "/etc/mpp-evil-2.pdf": "mpp-evil-2.pdf",
    "C:\\Windows\\System32\\mpp-evil-3.docx": "mpp-evil-3.docx",
    "annex\u202excod.exe": "annexxcod.exe",
    "form\x07\x1b[31m\x00.pdf": "form[31m.pdf",
    "..": "attachment",
}


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def test_names_are_cleaned_and_files_stored_under_their_digest(ctx, tmp_path):
    message = plain()
    for number, name in enumerate(NAMES):
        with_file(message, name, form_docx() + bytes([number]), "application/octet-stream")
    zip_names = {"../../../tmp/mpp-evil-4.docx": form_docx(), "/abs/mpp-evil-5.pdf": b"%PDF-1.4"}
    with_file(message, "../forms.zip", zipped(zip_names), "application/zip")
    before = files_under(tmp_path)

    recorded = run(ctx, message.as_bytes())

    shown = sorted(document.filename for document in recorded.documents)
    assert shown == sorted([*NAMES.values(), "mpp-evil-4.docx", "mpp-evil-5.pdf"])
    storage = Path(ctx.settings.storage.path).resolve()
    for path in files_under(tmp_path) - before:
        inside = path.resolve().is_relative_to(storage)
        assert inside or path.suffix in {".db", ".db-journal", ".db-wal", ".eml"}, path
        if inside:
            assert re.fullmatch(r"[0-9a-f]{64}", path.name), path
    assert not list(Path("/tmp").glob("mpp-evil-*"))
    for document in recorded.documents:
        assert ctx.store.read(document.sha256)  # every document can be opened by its digest


def test_a_zip_member_named_like_a_path_is_one_document(ctx):
    data = zipped({"a/b/../../../annex1.docx": form_docx()})
    message = with_file(plain(), "forms.zip", data, "application/zip")
    (document,) = run(ctx, message.as_bytes()).documents
    assert document.filename == "annex1.docx" and document.role == "application_form"
    assert document.content_type == DOCX
