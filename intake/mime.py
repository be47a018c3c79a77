"""Reading one raw message into a ``ParsedMessage`` with the modern email policy.

``parse_message`` never raises: a broken message gives what could be read, with ``defects``
saying what was wrong. It also fills ``automatic_reason`` and ``is_bounce_or_autoreply``
(``intake.automatic``), so the pipeline passes the programme's own address in.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from typing import Any

from common.clock import as_utc
from intake import automatic
from intake.mime_parts import PartLimits, collect_parts, decode_words, header_text, raw_header
from intake.model import Attachment, ParsedMessage

# Headers kept decoded in ParsedMessage.headers for the rules and the automatic-reply checks.
SELECTED_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "x-autoreply",
    "x-autorespond",
    "return-path",
    "authentication-results",
    "content-type",
    "in-reply-to",
    "references",
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Outlook .msg file, not MIME
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_DATE_ERRORS = (TypeError, ValueError, IndexError, OverflowError)


@dataclass(frozen=True)
class MimeLimits:
    """Size limits of one message; beyond them the rest is skipped and a defect recorded."""

    max_header_bytes: int = 256 * 1024  # the whole header block
    max_header_field_bytes: int = 16 * 1024  # one header, folded lines included
    parts: PartLimits = field(default_factory=PartLimits)


DEFAULT_LIMITS = MimeLimits()


def parse_message(
    raw: bytes, *, programme_address: str = "", limits: MimeLimits = DEFAULT_LIMITS
) -> ParsedMessage:
    """Read ``raw`` into a ParsedMessage; never raises.

    ``programme_address`` lets the automatic-reply check recognise the programme's own mail.
    """
    try:
        parsed = _parse(bytes(raw), limits)
    except Exception as exc:  # the last guard: one broken message must never stop the pipeline
        parsed = _unreadable(f"the message could not be parsed ({type(exc).__name__}: {exc})")
    is_automatic, reason = automatic.classify(parsed, programme_address=programme_address)
    return replace(parsed, automatic_reason=reason, is_bounce_or_autoreply=is_automatic)


def _parse(raw: bytes, limits: MimeLimits) -> ParsedMessage:
    if raw.startswith(_OLE_SIGNATURE):
        return _outlook_file(raw)
    if not raw.strip():
        return _unreadable("the message is empty")
    defects: list[str] = []
    message = email.message_from_bytes(
        _limit_headers(raw, limits, defects), policy=email.policy.default
    )
    if not message.keys():
        defects.append("the message has no header lines: it does not look like an email")
    found = collect_parts(message, limits.parts)
    sender_name, sender = _sender(message, defects)
    date = _date(message)
    return ParsedMessage(
        message_id=_message_id(message, defects),
        sender=sender,
        sender_name=sender_name,
        to=_addresses(message, "to", defects),
        cc=_addresses(message, "cc", defects),
        reply_to=_addresses(message, "reply-to", defects),
        subject=header_text(message, "subject"),
        date=date,
        received_at=_newest_received(message) or date,
        body_text=found.body_text(limits.parts.max_body_chars),
        attachments=tuple(found.attachments),
        headers=_selected_headers(message),
        defects=tuple(dict.fromkeys([*defects, *found.defects])),
    )


def _limit_headers(raw: bytes, limits: MimeLimits, defects: list[str]) -> bytes:
    """Cut over-long header fields and header blocks before the parser spends time on them."""
    end = _HEADER_END.search(raw)
    head, rest = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    if len(head) <= limits.max_header_field_bytes:
        return raw
    fields = re.split(rb"\r?\n(?![ \t])", head)
    kept: list[bytes] = []
    size = 0
    for field_bytes in fields:
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


def _sender(message: Message, defects: list[str]) -> tuple[str, str]:
    """(display name, bare address) of From, else Sender; ("", "") when none can be read."""
    for name in ("from", "sender"):
        pairs = _address_pairs(message, name, defects)
        if pairs:
            with_at = [pair for pair in pairs if "@" in pair[1]] or pairs
            return with_at[0]
    if not defects or "no readable From address" not in defects:
        defects.append("no readable From address")
    return "", ""


def _addresses(message: Message, name: str, defects: list[str]) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(address for _name, address in _address_pairs(message, name, defects))
    )


def _address_pairs(message: Message, name: str, defects: list[str]) -> list[tuple[str, str]]:
    """Every (display name, lower-case address) in the header; lenient when it is malformed."""
    if not raw_header(message, name):
        return []
    try:
        header: Any = message[name]
        pairs = [(item.display_name, item.addr_spec) for item in header.addresses]
        if header.defects:
            defects.append(f"the {name} header is malformed")
    except Exception:  # the strict address parser has known crashes on odd groups and quoting
        defects.append(f"the {name} header could not be parsed strictly; read leniently")
        pairs = email.utils.getaddresses([decode_words(raw_header(message, name))])
    return [
        (" ".join(display.split()), address.strip().strip("<>").lower())
        for display, address in pairs
        if address and address.strip().strip("<>")
    ]


def _message_id(message: Message, defects: list[str]) -> str:
    raw = raw_header(message, "message-id")
    match = _MESSAGE_ID.search(raw)
    if match:
        return match.group(0)
    defects.append("no Message-ID header" if not raw else "the Message-ID header is malformed")
    return raw.split()[0] if raw.split() else ""


def _date(message: Message) -> datetime | None:
    return _parse_date(raw_header(message, "date"))


def _newest_received(message: Message) -> datetime | None:
    """The latest date among the Received: headers (each after its last ';')."""
    dates = [
        _parse_date(value.rsplit(";", 1)[1])
        for key, value in message.raw_items()
        if key.lower() == "received" and ";" in str(value)
    ]
    known = [moment for moment in dates if moment is not None]
    return max(known) if known else None


def _parse_date(text: str) -> datetime | None:
    """An RFC 5322 date as aware UTC; a date without a zone is read as UTC."""
    text = " ".join(str(text).split())
    if not text:
        return None
    try:
        return as_utc(email.utils.parsedate_to_datetime(text))
    except _DATE_ERRORS:
        return None


def _selected_headers(message: Message) -> dict[str, str]:
    """The first (topmost, newest) value of each selected header that is present."""
    found = {}
    for name in SELECTED_HEADERS:
        raw = raw_header(message, name)
        if raw or any(key.lower() == name for key in message):
            found[name] = " ".join(decode_words(raw).split())
    return found


def _outlook_file(raw: bytes) -> ParsedMessage:
    """An Outlook .msg is not MIME: keep it whole as an attachment for staff to open."""
    attachment = Attachment(
        "message.msg", "application/vnd.ms-outlook", raw, hashlib.sha256(raw).hexdigest()
    )
    reason = "not a MIME message but an Outlook .msg file; kept whole as an attachment"
    return replace(_unreadable(reason), attachments=(attachment,))


def _unreadable(reason: str) -> ParsedMessage:
    return ParsedMessage(
        message_id="",
        sender="",
        sender_name="",
        to=(),
        cc=(),
        reply_to=(),
        subject="",
        date=None,
        received_at=None,
        body_text="",
        attachments=(),
        defects=(reason,),
    )
