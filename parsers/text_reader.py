"""Plain text -> Layout: one paragraph per line (a form retyped in an email or a .txt)."""

from __future__ import annotations

from parsers.layout import Layout, paragraph_from_text

_MAX_LINES = 20_000


def read_text(data: bytes) -> Layout:
    text = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:_MAX_LINES]
    blocks = tuple(paragraph_from_text(line) for line in lines if line.strip())
    return Layout(blocks, "text")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
