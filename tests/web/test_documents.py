"""Attachments: downloaded as files; PDFs and pictures shown inline, nothing else."""

from __future__ import annotations

from sqlmodel import select

from db.models import Document, MailMessage
from intake.storage import BlobStore


def documents(site) -> list[Document]:  # type: ignore[no-untyped-def]
    with site.session() as session:
        return list(session.exec(select(Document).where(Document.application_id.is_not(None))))


def test_a_download_is_always_an_attachment(admin, site):
    document = documents(site)[0]
    response = admin.get(f"/documents/{document.id}/download")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == BlobStore(site.settings.storage.path).read(document.sha256)


def test_only_pdf_and_pictures_are_shown_inline(admin, site):
    store = BlobStore(site.settings.storage.path)
    seen = set()
    for document in documents(site):
        data = store.read(document.sha256)
        response = admin.get(f"/documents/{document.id}/view")
        if data.startswith(b"%PDF-"):
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/pdf"
            assert response.headers["content-disposition"].startswith("inline;")
            seen.add("pdf")
        elif data.startswith(b"PK"):
            assert response.status_code == 415
            seen.add("docx")
    assert "docx" in seen


def test_a_pdf_document_is_embedded_in_the_page(admin, site):
    store = BlobStore(site.settings.storage.path)
    pdf = next((d for d in documents(site) if store.read(d.sha256).startswith(b"%PDF-")), None)
    if pdf is None:
        return
    with site.session() as session:
        from db.models import Application

        reference = session.get(Application, pdf.application_id).reference
    assert f'<iframe src="/documents/{pdf.id}/view"' in admin.get(f"/applications/{reference}").text


def test_the_raw_message_downloads_as_a_file(admin, site):
    with site.session() as session:
        message = session.exec(select(MailMessage)).first()
    response = admin.get(f"/messages/{message.id}/raw")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content == BlobStore(site.settings.storage.path).read(
        message.raw_sha256, kind="raw"
    )


def test_a_missing_stored_file_is_a_404(admin, site):
    document = documents(site)[0]
    BlobStore(site.settings.storage.path).path_for("blobs", document.sha256).unlink()
    assert admin.get(f"/documents/{document.id}/download").status_code == 404
