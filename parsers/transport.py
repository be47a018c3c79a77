"""How requests and results cross the sandbox boundary.

Results come back from a process that handled hostile bytes, so they travel as JSON (never
pickle) and are checked field by field before they become an ExtractedDocument again.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from dataclasses import asdict
from typing import IO, Any

from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, FieldValue, ParseProblem, ThematicArea

MAX_RESULT_BYTES = 16 * 1024 * 1024
_HEADER = struct.Struct("!II")
_ROLES = {"application_form", "results_framework", "prior_assessment", "other"}
_AREA_KEYS = ("number", "title", "outputs", "output_indicators", "outcomes", "outcome_indicators")


class TransportError(Exception):
    """A message across the sandbox boundary is malformed or too large."""


def write_request(stream: IO[bytes], filename: str, data: bytes, limits: ParseLimits) -> None:
    header = json.dumps({"filename": filename, "limits": asdict(limits)}).encode()
    stream.write(_HEADER.pack(len(header), len(data)) + header)
    stream.write(data)  # not joined to the header: that would copy a large document once more
    stream.flush()


def read_request(stream: IO[bytes]) -> tuple[str, bytes, ParseLimits] | None:
    """The next request, or None when the requester has gone."""
    head = _read_exactly(stream, _HEADER.size)
    if head is None:
        return None
    header_length, data_length = _HEADER.unpack(head)
    header = json.loads(_read_exactly(stream, header_length) or b"{}")
    data = _read_exactly(stream, data_length) or b""
    return str(header["filename"]), data, ParseLimits(**header["limits"])


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_within(fd: int, size: int, ends_at: float) -> bytes | None:
    """``size`` bytes from the pipe ``fd``, or None when the writer has gone first. Raises
    TimeoutError when they have not all come by ``ends_at`` (``time.monotonic()``)."""
    chunks, left = [], size
    while left:
        wait = ends_at - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def frame(payload: bytes) -> bytes:
    return struct.pack("!I", len(payload)) + payload


def encode_document(doc: ExtractedDocument) -> bytes:
    return json.dumps(asdict(doc), ensure_ascii=False).encode()


def decode_document(payload: bytes) -> ExtractedDocument:
    """Rebuild a document from the child's JSON, refusing anything of the wrong shape."""
    if len(payload) > MAX_RESULT_BYTES:
        raise TransportError("the result is too large")
    try:
        raw = json.loads(payload)
        return ExtractedDocument(
            filename=_text(raw["filename"]),
            role=_role(raw["role"]),
            fields={_text(k): _field(v) for k, v in dict(raw["fields"]).items()},
            thematic_areas=tuple(_area(a) for a in list(raw["thematic_areas"])),
            language=_optional_text(raw["language"]),
            problems=tuple(_problem(p) for p in list(raw["problems"])),
            text=_text(raw["text"]),
            format=_text(raw["format"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TransportError(f"malformed result: {error}") from error


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _role(value: Any) -> Any:
    if value not in _ROLES:
        raise ValueError(f"unknown role {value!r}")
    return value


def _field(raw: Any) -> FieldValue:
    value = raw["value"]
    if isinstance(value, list):
        value = [_text(v) for v in value]
    elif value is not None and not isinstance(value, str | bool):
        raise TypeError("unexpected field value")
    confidence = float(raw["confidence"])
    return FieldValue(value, min(max(confidence, 0.0), 1.0), _optional_text(raw["note"]))


def _area(raw: Any) -> ThematicArea:
    number = raw["number"]
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise TypeError("area number must be an integer")
    texts = [_optional_text(raw[key]) for key in _AREA_KEYS[1:]]
    return ThematicArea(number, *texts)


def _problem(raw: Any) -> ParseProblem:
    return ParseProblem(_text(raw["code"]), _text(raw["message"]), _optional_text(raw["field"]))
