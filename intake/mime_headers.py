"""Header values as text: unfolded, encoded words decoded, 8-bit bytes and NULs made storable."""

from __future__ import annotations

import email.errors
import email.header
import re
from email.message import Message


def raw_header(message: Message, name: str) -> str:
    """The first value of a header exactly as written (unfolded), without parsing it."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return re.sub(r"\r?\n(?=[ \t])", "", storable_text(str(value))).strip()
    return ""


def storable_text(text: str) -> str:
    """Text any database accepts: raw 8-bit bytes decoded, NUL characters removed.

    The parser keeps unencoded 8-bit header bytes as lone surrogates, which cannot be stored
    or sent. Mailers that write such headers use UTF-8 or a Windows code page.
    """
    text = text.replace("\x00", "")
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    if not _only_escapes(text):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _only_escapes(text: str) -> bool:
    """Whether every surrogate in ``text`` is a surrogateescape byte (U+DC80..U+DCFF)."""
    return all("\udc80" <= ch <= "\udcff" for ch in text if "\ud800" <= ch <= "\udfff")


def has_header(message: Message, name: str) -> bool:
    return any(key.lower() == name for key, _value in message.raw_items())


def header_text(message: Message, name: str) -> str:
    """A header decoded (encoded words) and unfolded; "" when absent or unreadable."""
    raw = raw_header(message, name)
    return " ".join(decode_words(raw).split()) if raw else ""


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words; the text unchanged when they are broken."""
    try:
        decoded = str(email.header.make_header(email.header.decode_header(text)))
    except (email.errors.HeaderParseError, LookupError, UnicodeError, ValueError):
        decoded = text
    return storable_text(decoded)
