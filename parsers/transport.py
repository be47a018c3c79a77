"""How requests and answers cross the sandbox boundary.

A request names its task (``document``: an attachment to read; ``message``: a raw email to
read MIME of), the bytes, the limits and the largest answer the requester takes. Answers
come back from a process that handled hostile bytes, so they never travel as pickle: each
opens with a tag byte, ``R`` for the task's answer (for a document, JSON checked field by
field before it becomes an ExtractedDocument again) or ``F`` for a failure (JSON: a problem
code and message, when the reading process was stopped or gave no answer).
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, FieldValue, ParseProblem, ThematicArea

MAX_RESULT_BYTES = 16 * 1024 * 1024  # of a document's answer
RESULT, FAILURE = b"R", b"F"
_HEADER = struct.Struct("!II")
_ROLES = {"application_form", "results_framework", "prior_assessment", "other"}
_AREA_KEYS = ("number", "title", "outputs", "output_indicators", "outcomes", "outcome_indicators")


class TransportError(Exception):
    """A message across the sandbox boundary is malformed or too large."""


@dataclass(frozen=True)
class Request:
    """One piece of reading for the sandbox."""

    task: str  # "document" or "message"
    name: str  # the attachment's file name, or the message's key, for error messages
    data: bytes
    limits: ParseLimits
    max_answer: int = MAX_RESULT_BYTES  # of the task's own answer, its tag not counted
    options: dict[str, str] = field(default_factory=dict)

    @property
    def largest_answer(self) -> int:
        """The most bytes an answer to this request may take, its tag included."""
        return self.max_answer + len(RESULT)


def write_request(stream: IO[bytes], request: Request) -> None:
    header = json.dumps(
        {
            "task": request.task,
            "name": request.name,
            "limits": asdict(request.limits),
            "max_answer": request.max_answer,
            "options": request.options,
        }
    ).encode()
    stream.write(_HEADER.pack(len(header), len(request.data)) + header)
    stream.write(request.data)  # not joined to the header: that would copy it once more
    stream.flush()


def read_request(stream: IO[bytes]) -> Request | None:
    """The next request, or None when the requester has gone."""
    head = _read_exactly(stream, _HEADER.size)
    if head is None:
        return None
    header_length, data_length = _HEADER.unpack(head)
    header = json.loads(_read_exactly(stream, header_length) or b"{}")
    data = _read_exactly(stream, data_length) or b""
    return Request(
        task=str(header["task"]),
        name=str(header["name"]),
        data=data,
        limits=ParseLimits(**header["limits"]),
        max_answer=int(header["max_answer"]),
        options={str(k): str(v) for k, v in dict(header["options"]).items()},
    )


def write_framed(stream: IO[bytes], answer: bytes) -> None:
    """An answer from the helper to the worker: its length, then the answer (not joined to
    the length, so that a large answer is not copied once more)."""
    stream.write(struct.pack("!I", len(answer)))
    stream.write(answer)
    stream.flush()


def failure(code: str, message: str) -> bytes:
    """The answer for a task that gave none of its own."""
    return FAILURE + json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()


def read_failure(answer: bytes) -> tuple[str, str] | None:
    """(code, message) when ``answer`` is a failure; None when it is the task's answer."""
    if answer[:1] == RESULT:
        return None
    if answer[:1] != FAILURE:
        raise TransportError("an answer with neither tag")
    try:
        raw = json.loads(answer[1:])
        return checked_text(raw["code"]), checked_text(raw["message"])
    except (ValueError, KeyError, TypeError) as error:
        raise TransportError(f"malformed failure: {error}") from error


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


def encode_document(doc: ExtractedDocument) -> bytes:
    return json.dumps(asdict(doc), ensure_ascii=False).encode()


def decode_document(payload: memoryview) -> ExtractedDocument:
    """Rebuild a document from the child's JSON, refusing anything of the wrong shape."""
    if len(payload) > MAX_RESULT_BYTES:
        raise TransportError("the result is too large")
    try:
        raw = json.loads(bytes(payload))
        return ExtractedDocument(
            filename=checked_text(raw["filename"]),
            role=_role(raw["role"]),
            fields={checked_text(k): _field(v) for k, v in dict(raw["fields"]).items()},
            thematic_areas=tuple(_area(a) for a in list(raw["thematic_areas"])),
            language=checked_optional_text(raw["language"]),
            problems=tuple(_problem(p) for p in list(raw["problems"])),
            text=checked_text(raw["text"]),
            format=checked_text(raw["format"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TransportError(f"malformed result: {error}") from error


# Checks of a value decoded from a reading process's JSON (TypeError when it is not one).
def checked_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def checked_optional_text(value: Any) -> str | None:
    return None if value is None else checked_text(value)


def checked_texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return tuple(checked_text(item) for item in value)


def checked_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _role(value: Any) -> Any:
    if value not in _ROLES:
        raise ValueError(f"unknown role {value!r}")
    return value


def _field(raw: Any) -> FieldValue:
    value = raw["value"]
    if isinstance(value, list):
        value = [checked_text(v) for v in value]
    elif value is not None and not isinstance(value, str | bool):
        raise TypeError("unexpected field value")
    confidence = float(raw["confidence"])
    return FieldValue(value, min(max(confidence, 0.0), 1.0), checked_optional_text(raw["note"]))


def _area(raw: Any) -> ThematicArea:
    number = raw["number"]
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise TypeError("area number must be an integer")
    texts = [checked_optional_text(raw[key]) for key in _AREA_KEYS[1:]]
    return ThematicArea(number, *texts)


def _problem(raw: Any) -> ParseProblem:
    return ParseProblem(
        checked_text(raw["code"]), checked_text(raw["message"]), checked_optional_text(raw["field"])
    )
