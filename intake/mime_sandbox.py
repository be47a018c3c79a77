"""Reading MIME in the parser sandbox, beside the documents.

The worker hands a raw message to a reading process (``parsers.sandbox``), which runs
``parse_message`` under the sandbox's time, CPU and memory limits. So a hostile message
costs the worker nothing but the wait, and the standard library's line-by-line parser runs
outside the worker's interpreter lock. What was found comes back as JSON with the
attachments' bytes after it, and is checked field by field (never pickle); the attachments'
digests are computed again on this side.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict
from datetime import datetime
from typing import Any

from intake.mime import parse_message
from intake.model import Attachment, ParsedMessage
from intake.storage import sha256_hex
from parsers.limits import ParseLimits
from parsers.sandbox import Request, SandboxFailure, run_in_sandbox
from parsers.transport import (
    TransportError,
    checked_flag,
    checked_optional_text,
    checked_text,
    checked_texts,
)

_LENGTH = struct.Struct("!I")
_DATES = ("date", "received_at")


class MessageUnreadable(Exception):
    """The sandbox could not read the message (a limit, a crash): it is kept for staff."""


def read_message_in_sandbox(
    raw: bytes, *, programme_address: str, limits: ParseLimits, name: str = "message"
) -> ParsedMessage:
    """``parse_message`` of ``raw``, done in a reading process. Raises MessageUnreadable
    when the reading process gave no answer; ``name`` goes into its message."""
    request = Request(
        "message",
        name,
        raw,
        limits,
        max_answer=limits.memory_bytes,  # what the reading process could have built at most
        options={"programme_address": programme_address},
    )
    try:
        return run_in_sandbox(request, decode_parsed)
    except SandboxFailure as failed:
        raise MessageUnreadable(f"{name}: the message could not be read: {failed}") from failed


def message_answer(request: Request) -> list[bytes]:
    """In the reading process: the answer to a ``message`` request."""
    programme_address = request.options.get("programme_address", "")
    return encode_parsed(parse_message(request.data, programme_address=programme_address))


def encode_parsed(parsed: ParsedMessage) -> list[bytes]:
    """The answer in pieces: the JSON's length, the JSON, each attachment's bytes."""
    fields = asdict(parsed)
    fields["attachments"] = [
        {
            "filename": item.filename,
            "content_type": item.content_type,
            "origin": item.origin,
            "inline": item.inline,
            "size": len(item.data),
        }
        for item in parsed.attachments
    ]
    for name in _DATES:
        value = fields[name]
        fields[name] = value.isoformat() if value is not None else None
    head = json.dumps(fields, ensure_ascii=False).encode()
    return [_LENGTH.pack(len(head)), head, *(item.data for item in parsed.attachments)]


def decode_parsed(payload: bytes | memoryview) -> ParsedMessage:
    """Rebuild a ParsedMessage from a reading process's answer, refusing anything of the
    wrong shape (TransportError)."""
    try:
        view = memoryview(payload)
        (length,) = _LENGTH.unpack_from(view)
        raw = json.loads(bytes(view[_LENGTH.size : _LENGTH.size + length]))
        blobs = view[_LENGTH.size + length :]
        return ParsedMessage(
            message_id=checked_text(raw["message_id"]),
            sender=checked_text(raw["sender"]),
            sender_name=checked_text(raw["sender_name"]),
            to=checked_texts(raw["to"]),
            cc=checked_texts(raw["cc"]),
            reply_to=checked_texts(raw["reply_to"]),
            subject=checked_text(raw["subject"]),
            date=_date(raw["date"]),
            received_at=_date(raw["received_at"]),
            body_text=checked_text(raw["body_text"]),
            attachments=_attachments(list(raw["attachments"]), blobs),
            headers={checked_text(k): checked_text(v) for k, v in dict(raw["headers"]).items()},
            defects=checked_texts(raw["defects"]),
            automatic_reason=checked_optional_text(raw["automatic_reason"]),
            is_bounce_or_autoreply=checked_flag(raw["is_bounce_or_autoreply"]),
        )
    except (ValueError, KeyError, TypeError, struct.error) as error:
        raise TransportError(f"malformed message: {error}") from error


def _attachments(items: list[Any], blobs: memoryview) -> tuple[Attachment, ...]:
    found, start = [], 0
    for item in items:
        size = item["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise TypeError("attachment size must be a whole number")
        if start + size > len(blobs):
            raise ValueError("the attachments are shorter than their sizes say")
        data = bytes(blobs[start : start + size])
        start += size
        found.append(
            Attachment(
                filename=checked_text(item["filename"]),
                content_type=checked_text(item["content_type"]),
                data=data,
                sha256=sha256_hex(data),
                origin=checked_text(item["origin"]),
                inline=checked_flag(item["inline"]),
            )
        )
    if start != len(blobs):
        raise ValueError("bytes after the last attachment")
    return tuple(found)


def _date(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(checked_text(value))
