"""Attachments and raw messages: downloaded as files, shown inline only when a PDF or image.

What a file is shown as depends on its first bytes, never on the type the sender claimed.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from db.models import Document, MailMessage
from web.state import web_state

router = APIRouter()

MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(data: bytes) -> str | None:
    """The type of a file that may be shown inline (PDF, PNG, JPEG, GIF, WebP), else None."""
    for prefix, content_type in MAGIC:
        if data.startswith(prefix):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def disposition(kind: str, filename: str) -> str:
    """A Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    name = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[\\/\"]", "_", name).strip() or "document"
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _document_bytes(request: Request, document_id: int) -> tuple[Document, bytes]:
    state = web_state(request)
    with state.session() as session:
        document = session.get(Document, document_id)
    if document is None:
        raise HTTPException(status_code=404, detail="no such document")
    try:
        return document, state.store.read(document.sha256)
    except (OSError, ValueError) as exc:
        raise HTTPException(status_code=404, detail="the stored file is missing") from exc


@router.get("/documents/{document_id}/download")
def download(request: Request, document_id: int) -> Response:
    document, data = _document_bytes(request, document_id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": disposition("attachment", document.filename)},
    )


@router.get("/documents/{document_id}/view")
def view(request: Request, document_id: int) -> Response:
    document, data = _document_bytes(request, document_id)
    content_type = sniff(data)
    if content_type is None:
        raise HTTPException(status_code=415, detail="this file is not shown inline; download it")
    return Response(
        data,
        media_type=content_type,
        headers={"content-disposition": disposition("inline", document.filename)},
    )


@router.get("/messages/{message_id}/raw")
def raw_message(request: Request, message_id: int) -> Response:
    state = web_state(request)
    with state.session() as session:
        message = session.get(MailMessage, message_id)
    if message is None:
        raise HTTPException(status_code=404, detail="no such message")
    try:
        data = state.store.read(message.raw_sha256, kind="raw")
    except (OSError, ValueError) as exc:
        raise HTTPException(status_code=404, detail="the stored message is missing") from exc
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": disposition("attachment", f"message-{message_id}.eml")},
    )
