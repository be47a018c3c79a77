"""Reading one raw message into a ``ParsedMessage``.

The structure is read with the ``compat32`` policy, which keeps header values as written: the
modern policy parses every header of every part on each access, which costs seconds on a
message with thousands of parts or parameters. Address headers of the message itself are then
read with the modern parser, one at a time.

``parse_message`` never raises: a broken message gives what could be read, with ``defects``
saying what was wrong. It also fills ``automatic_reason`` and ``is_bounce_or_autoreply``
(``intake.automatic``), so the pipeline passes the programme's own address in.
"""

from __future__ import annotations

import email
import email.feedparser
import email.policy
import email.utils
import hashlib
import re
from dataclasses import replace
from datetime import datetime
from email.message import Message
from typing import Any

from common.clock import as_utc
from intake import automatic
from intake.mime_headers import decode_words, header_text, raw_header, storable_text
from intake.mime_limits import MimeLimits, limit_message
from intake.mime_parts import PartsFound, collect_parts
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
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+")
_PLAIN_ADDRESS = re.compile(r"^[^\s@<>()\[\]\\,;:\"'][^\s@<>()\[\]\\,;:\"]*@[^\s@<>()\\,;:\"']+$")
_ANGLE_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE_ADDRESS = re.compile(r"[^\s<>\",;:()\[\]]+@[^\s<>\"',;:()\[\]]+")
_MAX_MESSAGE_ID = 500
_DATE_ERRORS = (TypeError, ValueError, IndexError, OverflowError)


DEFAULT_LIMITS = MimeLimits()


def parse_message(
    raw: bytes, *, programme_address: str = "", limits: MimeLimits = DEFAULT_LIMITS
) -> ParsedMessage:
    """Read ``raw`` into a ParsedMessage; never raises.

    ``programme_address`` lets the automatic-reply check recognise the programme's own mail.
    """
    try:
        parsed = _parse(bytes(raw), limits)
    except Exception as exc:  # e.g. RecursionError from thousands of nested parts
        parsed = _headers_only(bytes(raw), limits, exc)
    is_automatic, reason = automatic.classify(parsed, programme_address=programme_address)
    return replace(parsed, automatic_reason=reason, is_bounce_or_autoreply=is_automatic)


def _headers_only(raw: bytes, limits: MimeLimits, exc: Exception) -> ParsedMessage:
    """When the body cannot be parsed, keep what the headers say (sender, subject, dates)."""
    reason = (
        f"the message body could not be parsed ({type(exc).__name__}); only its headers were read"
    )
    try:
        parsed = _parse(raw, limits, headers_only=True)
    except Exception as again:  # the last guard: one broken message must never stop the pipeline
        return _unreadable(f"the message could not be parsed ({type(again).__name__}: {again})")
    return replace(parsed, defects=(reason, *parsed.defects))


def _parse(raw: bytes, limits: MimeLimits, *, headers_only: bool = False) -> ParsedMessage:
    if raw.startswith(_OLE_SIGNATURE):
        return _outlook_file(raw)
    if not raw.strip():
        return _unreadable("the message is empty")
    defects: list[str] = []
    message = _read_mime(limit_message(raw, limits, defects), headers_only=headers_only)
    if not message.keys():
        defects.append("the message has no header lines: it does not look like an email")
    found = PartsFound() if headers_only else collect_parts(message, limits.parts)
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


def _read_mime(raw: bytes, *, headers_only: bool) -> Message:
    """The standard parser, fed in slices: ``BytesParser.parsebytes`` decodes the whole
    message into one string and reads it through a StringIO, which holds four bytes a
    character, so a 33 MB message took some 250 MB at its peak; fed in slices it takes the
    parts' own size. The result is the same."""
    parser = email.feedparser.BytesFeedParser(policy=email.policy.compat32)
    if headers_only:
        parser._set_headersonly()  # type: ignore[attr-defined]  # as BytesParser does
    view = memoryview(raw)
    for start in range(0, len(raw), _FEED_SLICE):
        parser.feed(bytes(view[start : start + _FEED_SLICE]))
    return parser.close()


_FEED_SLICE = 64 * 1024


def _sender(message: Message, defects: list[str]) -> tuple[str, str]:
    """(display name, bare address) of From, else Sender; ("", "") when none can be read."""
    for name in ("from", "sender"):
        for display, address in _address_pairs(message, name, defects):
            if _ADDRESS.fullmatch(address):
                return display, address
        found = _ADDRESS.search(header_text(message, name))  # e.g. an unclosed quote before it
        if found:
            return "", found.group(0).lower()
    defects.append("no readable From address")
    return "", ""


def _addresses(message: Message, name: str, defects: list[str]) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(address for _name, address in _address_pairs(message, name, defects))
    )


def _address_pairs(message: Message, name: str, defects: list[str]) -> list[tuple[str, str]]:
    """Every (display name, lower-case address) in the header; lenient when it is malformed."""
    raw = raw_header(message, name)
    if not raw:
        return []
    try:
        header: Any = email.policy.default.header_factory(name, raw)
        pairs = [(item.display_name, item.addr_spec) for item in header.addresses]
        strict_ok = not header.defects and all(_PLAIN_ADDRESS.match(a) for _n, a in pairs)
    except Exception:  # the strict address parser has known crashes on odd groups and quoting
        strict_ok = False
    if not strict_ok:
        defects.append(f"the {name} header is malformed; read leniently")
        pairs = lenient_addresses(decode_words(raw))
    return [
        (" ".join(storable_text(display).split()), storable_text(address).strip().lower())
        for display, address in pairs
        if address.strip()
    ]


def lenient_addresses(text: str) -> list[tuple[str, str]]:
    """Addresses from a header the strict parser rejects, e.g. ``'a@b.org' <a@b.org>``."""
    pairs = []
    for piece in _split_address_list(text):
        angle = _ANGLE_ADDRESS.search(piece)
        if angle:
            name = piece[: angle.start()].strip().strip("\"' ")
            pairs.append((name, angle.group(1)))
            continue
        bare = _BARE_ADDRESS.search(piece)
        if bare:
            pairs.append(("", bare.group(0).strip("'")))
    return pairs


def _split_address_list(text: str) -> list[str]:
    """Split on commas that are outside quotes and angle brackets."""
    pieces: list[str] = []
    current: list[str] = []
    quoted, angled = False, 0
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angled += 1
        elif char == ">" and not quoted:
            angled = max(0, angled - 1)
        elif char in ",;" and not quoted and not angled:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def _message_id(message: Message, defects: list[str]) -> str:
    raw = raw_header(message, "message-id")
    match = _MESSAGE_ID.search(raw)
    if match and len(match.group(0)) <= _MAX_MESSAGE_ID:
        return match.group(0)
    if match:  # a database index takes a few hundred characters, not kilobytes
        defects.append(f"the Message-ID header is longer than {_MAX_MESSAGE_ID} characters; cut")
        return match.group(0)[: _MAX_MESSAGE_ID - 1] + ">"
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
