"""A large attachment is not copied over and over while the message is read (measured in
allocations with tracemalloc, not in time)."""

from __future__ import annotations

import os
import tracemalloc
from email.message import EmailMessage

from intake.mime import parse_message

SIZE = 8 * 1024 * 1024


def _message_with(data: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "na@example.org"
    message["To"] = "ipb@opcw.org"
    message["Subject"] = "Application"
    message.set_content("Our forms are attached.")
    message.add_attachment(data, maintype="application", subtype="pdf", filename="scan.pdf")
    return message.as_bytes()


def test_reading_a_large_message_allocates_a_few_times_its_size_at_most():
    data = os.urandom(SIZE)
    raw = _message_with(data)  # base64: about 1.37 times the attachment
    tracemalloc.start()
    try:
        parsed = parse_message(raw)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (attachment,) = parsed.attachments
    assert attachment.data == data
    # the standard path (parsebytes and get_payload(decode=True)) took about 7.7 times the
    # message's size at its peak; the parser's own line list keeps it above 2
    assert peak < 3.5 * len(raw), f"peak {peak / len(raw):.1f} times the message"
