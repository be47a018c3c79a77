"""Attachment names made safe to store and to show: no path, no control or direction marks."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_NAME = "attachment"
MAX_LENGTH = 150

# Bidirectional overrides, embeddings, isolates and marks: they make "gpj.exe" read as "exe.jpg".
_BIDI_MARKS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None
)
_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
_MAX_EXTENSION = 16


def safe_filename(name: str | None, *, max_length: int = MAX_LENGTH) -> str:
    """The last path component of ``name`` without control, format or bidi characters.

    Keeps letters of every script and the extension; trims leading dots and spaces so the
    result is never hidden or relative; never longer than ``max_length`` characters.
    """
    if not name:
        return DEFAULT_NAME
    text = unicodedata.normalize("NFC", str(name)).translate(_BIDI_MARKS)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in _SPACES.sub(" ", text) if _is_kept(ch))  # tabs, breaks: spaces
    text = _SPACES.sub(" ", _RESERVED.sub("_", text)).strip().lstrip(". ")
    text = _shorten(text, max_length)
    return text or DEFAULT_NAME


def _is_kept(ch: str) -> bool:
    """Drop control (Cc), format (Cf), surrogate, private-use and unassigned characters."""
    return not unicodedata.category(ch).startswith("C")


def _shorten(text: str, max_length: int) -> str:
    """Cut the stem, not the extension, when the name is too long."""
    if len(text) <= max_length:
        return text
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION:
        return text[:max_length].rstrip()
    keep = max(1, max_length - len(extension) - 1)
    return f"{stem[:keep].rstrip()}.{extension}"
