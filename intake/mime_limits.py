"""Cutting a hostile message down before the standard parser spends time on it.

The standard library parser builds every part and parses every header it is given, so a
megabyte-long header or ten thousand parts would cost seconds or more. These cuts bound the
cost; what was cut is written to ``defects``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intake.mime_parts import PartLimits

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"\r?\n(?![ \t])")
_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))', re.IGNORECASE)
_DELIMITER_LINE = re.compile(rb"^--([^\r\n]*?)[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True)
class MimeLimits:
    """Size limits of one message; beyond them the rest is skipped and a defect recorded."""

    max_header_bytes: int = 256 * 1024  # the whole header block
    max_header_field_bytes: int = 16 * 1024  # one header, folded lines included
    parts: PartLimits = field(default_factory=PartLimits)


def limit_message(raw: bytes, limits: MimeLimits, defects: list[str]) -> bytes:
    """``raw`` with over-long headers cut and the parts beyond the part limit dropped."""
    # Each part opens with one delimiter line and each multipart closes with one, so the
    # parts the walk may read never lie beyond twice its part limit of delimiters.
    return limit_parts(limit_headers(raw, limits, defects), 2 * limits.parts.max_parts, defects)


def limit_headers(raw: bytes, limits: MimeLimits, defects: list[str]) -> bytes:
    """Cut over-long header fields and header blocks of the message."""
    end = _HEADER_END.search(raw)
    if (end.start() if end else len(raw)) <= limits.max_header_field_bytes:
        return raw  # the usual case, without copying the body
    head, rest = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    kept: list[bytes] = []
    size = 0
    for field_bytes in _FIELD_START.split(head):
        if len(field_bytes) > limits.max_header_field_bytes:
            name = field_bytes.split(b":", 1)[0][:40].decode("ascii", "replace")
            defects.append(
                f"header {name!r} longer than {limits.max_header_field_bytes} bytes; cut"
            )
            field_bytes = field_bytes[: limits.max_header_field_bytes].rsplit(b"\n", 1)[0]
        size += len(field_bytes) + 1
        if size > limits.max_header_bytes:
            defects.append(f"headers larger than {limits.max_header_bytes} bytes; the rest ignored")
            break
        kept.append(field_bytes)
    return b"\n".join(kept) + (rest or b"\n\n")


def limit_parts(raw: bytes, max_delimiters: int, defects: list[str]) -> bytes:
    """``raw`` cut before delimiter line number ``max_delimiters + 1`` of a declared boundary."""
    if raw.count(b"\n--") + raw.startswith(b"--") <= max_delimiters:
        return raw  # too few lines begin with "--" to hold that many delimiters: the usual case
    boundaries = {quoted or bare for quoted, bare in _BOUNDARY.findall(raw)}
    if not boundaries:
        return raw
    seen = 0
    for match in _DELIMITER_LINE.finditer(raw):
        line = match.group(1)
        if line in boundaries or (line.endswith(b"--") and line[:-2] in boundaries):
            seen += 1
            if seen > max_delimiters:
                defects.append(
                    f"more than {max_delimiters} MIME part delimiters; the rest was not read"
                )
                return raw[: match.start()]
    return raw
