"""Building test messages with the standard library, and where the shared corpus lives."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLES = sorted((REPO / "samples").glob("*.eml"))
PROGRAMME = "ipb@opcw.org"
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def corpus_files(kind: str) -> list[Path]:
    """The files of one corpus folder; [] when the shared folder is not on this machine."""
    folder = CORPUS / kind
    return sorted(path for path in folder.iterdir() if path.is_file()) if folder.is_dir() else []


def corpus_params(kind: str) -> list:
    """Parameters for a test over one corpus folder: one skipping entry when it is missing."""
    files = corpus_files(kind)
    if files:
        return [pytest.param(path, id=path.name) for path in files]
    reason = f"the shared corpus {CORPUS / kind} is not on this machine"
    return [pytest.param(None, id="corpus-missing", marks=pytest.mark.skip(reason=reason))]


def plain(
    *,
    sender: str = "Ana Pérez <ana@na.example.org>",
    subject: str = "Application to the programme",
    body: str = "Please find our application attached.",
    message_id: str = "<app-1@na.example.org>",
    **headers: str,
) -> EmailMessage:
    """A simple text message; extra headers are given with ``_`` for ``-`` in their names."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = PROGRAMME
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 03 Mar 2025 10:00:00 +0000"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def with_file(message: EmailMessage, filename: str, data: bytes, ctype: str) -> EmailMessage:
    maintype, subtype = ctype.split("/", 1)
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def forwarded(inner: EmailMessage, *, subject: str = "Fwd: application") -> EmailMessage:
    """A message that forwards ``inner`` as a message/rfc822 attachment."""
    outer = plain(subject=subject, body="Forwarding the application below.")
    outer.add_attachment(inner)
    return outer


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
