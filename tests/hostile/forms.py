"""Filled application forms and the emails that carry them, for the hostile tests."""

from __future__ import annotations

import base64
import functools

from docx.oxml.ns import qn

from tests.intake.messages import DOCX_TYPE, plain, with_file
from tests.parsers import builders

DOCX = "/".join(DOCX_TYPE)
HEAD = (
    b"From: Ana Perez <ana@na.example.org>\r\nTo: ipb@opcw.org\r\n"
    b"Subject: Application\r\nMessage-ID: <{n}@na.example.org>\r\n"
    b"Date: Mon, 03 Mar 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
)


@functools.cache
def form_docx() -> bytes:
    """A complete Annex 1 in .docx, filled the way the official form is meant to be."""
    return builders.to_bytes(builders.filled())


def form_with(*, contact_person: str | None = None, email_line: str | None = None) -> bytes:
    """The filled form with the contact person and the email line replaced, as typed."""
    document = builders.filled()
    if contact_person is not None:
        cell = builders.cell_right_of(document, "(b) Contact person")
        cell.paragraphs[0].runs[0]._r.find(qn("w:t")).text = contact_person
    if email_line is not None:
        paragraph = builders.label_cell(document, "Email(s)").paragraphs[-1]
        paragraph.runs[0]._r.find(qn("w:t")).text = email_line
    return builders.to_bytes(document)


def application(
    data: bytes | None = None,
    *,
    filename: str = "annex1.docx",
    ctype: str = DOCX,
    **headers: str,
) -> bytes:
    """An application email carrying one attachment (the filled form by default)."""
    message = plain(**headers)
    return with_file(message, filename, form_docx() if data is None else data, ctype).as_bytes()


def raw_multipart(
    *parts: bytes, n: int = 1, boundary: bytes = b"BND", tail: bytes | None = None
) -> bytes:
    """A multipart/mixed message written byte by byte, for breakage the email package avoids."""
    head = HEAD.replace(b"{n}", str(n).encode())
    head += b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return head + body + (b"--" + boundary + b"--\r\n" if tail is None else tail)


def base64_part(data: bytes, filename: bytes = b"annex1.docx") -> bytes:
    return (
        b"Content-Type: " + DOCX.encode() + b"\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="'
        + filename
        + b'"\r\n\r\n'
        + base64.encodebytes(data)
    )
