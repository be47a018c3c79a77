"""The real format of an attachment, from its first bytes (never from its name)."""

from __future__ import annotations

import os

DOCUMENT_EXTENSIONS = frozenset(
    {".docx", ".docm", ".doc", ".dotx", ".pdf", ".odt", ".rtf", ".txt", ".zip"}
)
# Formats read in the sandbox; every other kind is answered at once as role "other".
PARSED_KINDS = frozenset({"docx-zip", "odt", "pdf", "ole", "rtf", "image", "text"})

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def sniff(data: bytes) -> str:
    """One of: empty, pdf, odt, docx-zip (any other zip: the reader looks inside), ole (old
    Office or an encrypted Office file), rtf, image, text, binary."""
    if not data:
        return "empty"
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "odt" if _is_odt(head) else "docx-zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if b"%PDF-" in head:  # PDF readers accept bytes before the header; the magics above win
        return "pdf"
    if _looks_like_text(data[:65536]):
        return "text"
    return "binary"


def _is_odt(head: bytes) -> bool:
    """An OpenDocument text starts with a stored member "mimetype" that names its type."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    if head[30 : 30 + name_length] != b"mimetype":
        return False
    start = 30 + name_length + extra_length
    return head[start : start + len(_ODT_TYPE)] == _ODT_TYPE


def _looks_like_text(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut at the sample's end
            return False
        text = sample[: error.start].decode("utf-8")
    printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return printable >= 0.95 * max(len(text), 1)


def looks_like_document(filename: str, kind: str) -> bool:
    """Whether the sender meant this file as a document (its name or its bytes say so; a
    picture may be a scanned page, but is not meant as a document file)."""
    extension = os.path.splitext(filename or "")[1].lower()
    return extension in DOCUMENT_EXTENSIONS or kind in PARSED_KINDS - {"text", "image"}
