"""What every ParsedMessage must satisfy, whatever the input: storable, safe, consistent."""

from __future__ import annotations

import hashlib

from intake.filenames import safe_filename
from intake.model import ParsedMessage


def texts_of(parsed: ParsedMessage) -> list[str]:
    return [
        parsed.message_id,
        parsed.sender,
        parsed.sender_name,
        parsed.subject,
        parsed.body_text,
        *parsed.to,
        *parsed.cc,
        *parsed.reply_to,
        *parsed.headers.values(),
        *parsed.defects,
        *(item.filename for item in parsed.attachments),
        *(item.origin for item in parsed.attachments),
    ]


def check_parsed(parsed: ParsedMessage) -> None:
    """Every text encodes as UTF-8 (a database accepts it), names are clean, digests match."""
    assert isinstance(parsed, ParsedMessage)
    for text in texts_of(parsed):
        assert isinstance(text, str)
        text.encode("utf-8")  # no lone surrogates from 8-bit headers
        assert "\x00" not in text  # PostgreSQL refuses NUL in text columns
    for moment in (parsed.date, parsed.received_at):
        assert moment is None or moment.utcoffset() is not None
    for item in parsed.attachments:
        assert item.sha256 == hashlib.sha256(item.data).hexdigest()
        assert item.filename == safe_filename(item.filename)
    assert parsed.sender == parsed.sender.lower()
    if parsed.is_bounce_or_autoreply:
        assert parsed.automatic_reason
