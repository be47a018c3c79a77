"""Building the reply as an email message: text with an HTML alternative, attachments.

Every header value is checked for line breaks before it is written, because a value taken
from an application (a name, an address) must never add a header of its own (header
injection; Python 3.11.7 does not guard every path, CVE-2024-6923). Replies carry
``Auto-Submitted: auto-replied`` (RFC 3834) so that other robots do not answer them.
"""

from __future__ import annotations

import email.policy
import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from common.clock import as_utc, utcnow
from common.errors import DeliveryError, HeaderInjectionError
from notifications.render import RenderedReply

Attachment = tuple[str, str, bytes]  # (filename, content type, data)

# Every character str.splitlines() breaks on: CR, LF and their Unicode relatives.
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTENT_TYPE = re.compile(r"([A-Za-z0-9][\w.+-]*)/([A-Za-z0-9][\w.+-]*)")


def guard_header(name: str, value: str) -> str:
    """``value`` unchanged; raises HeaderInjectionError when it holds a line break."""
    if _LINE_BREAK.search(value) or _LINE_BREAK.search(name):
        raise HeaderInjectionError(f"the {name} header value contains a line break")
    return value


def deterministic_message_id(key: str, domain: str) -> str:
    """A Message-ID that depends only on ``key`` and ``domain``: a retried send reuses it."""
    guard_header("Message-ID", domain)
    host = domain.strip().strip("<>@").lower() or "localhost"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return guard_header("Message-ID", f"<{digest}@{host}>")


def build_reply(
    rendered: RenderedReply,
    *,
    from_address: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    in_reply_to: str | None = None,
    references: str | None = None,
    message_id: str,
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """The reply, ready for a transport. ``references`` defaults to ``in_reply_to``."""
    recipients = [address for address in to if address and address.strip()]
    if not recipients:
        raise DeliveryError("a reply needs at least one recipient")
    headers = {
        "From": from_address,
        "To": ", ".join(recipients),
        "Cc": ", ".join(address for address in cc if address and address.strip()),
        "Subject": rendered.subject,
        "Date": format_datetime(as_utc(date or utcnow())),
        "Message-ID": message_id,
        "In-Reply-To": in_reply_to or "",
        "References": references or in_reply_to or "",
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",  # asks Exchange not to answer with out-of-office
    }
    message = EmailMessage()
    for name, value in headers.items():
        if value:
            message[name] = guard_header(name, value)
    _write_body(message, rendered)
    for filename, content_type, data in attachments:
        _attach(message, filename, content_type, data)
    return message


def _write_body(message: EmailMessage, rendered: RenderedReply) -> None:
    # Quoted-printable keeps every line short and 7-bit, whatever the text and the relays.
    message.set_content(rendered.text, cte="quoted-printable")
    if rendered.html:
        message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")


def _attach(message: EmailMessage, filename: str, content_type: str, data: bytes) -> None:
    guard_header("Content-Disposition", filename)
    guard_header("Content-Type", content_type)
    match = _CONTENT_TYPE.fullmatch(content_type.strip())
    maintype, subtype = (match[1], match[2]) if match else ("application", "octet-stream")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


# Headers are written unfolded: the standard library's folder (3.11) drops the space between
# adjacent encoded words and can start a folded Subject with a blank, so a French subject
# like "doit être complétée" would arrive as "doit êtrecomplétée". Lines stay far below 998.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=None)


def to_wire(message: EmailMessage) -> bytes:
    """The bytes that go to the SMTP server or the .eml file (CRLF line ends)."""
    return message.as_bytes(policy=WIRE_POLICY)
