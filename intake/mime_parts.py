"""Walking the MIME tree of one message: every attachment (forwarded and zipped too) and the body.

The walk is bounded (parts, nesting, forwarded depth) and never raises on a broken part: what
it could not read is written to ``PartsFound.defects``.
"""

from __future__ import annotations

import binascii
import email.errors
import email.header
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message

from intake.archives import ZipLimits, is_zip, unpack_zip
from intake.filenames import DEFAULT_NAME, safe_filename
from intake.html_text import html_to_text
from intake.mime_headers import decode_words, has_header, header_text, raw_header, storable_text
from intake.model import Attachment

BODY_TYPES = ("text/plain", "text/html")
# Machine-readable parts of reports and signatures: structure, not documents.
_NOT_DOCUMENTS = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/disposition-notification",
        "text/rfc822-headers",
        "application/pgp-signature",
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
    }
)
_FORWARD_TYPES = frozenset({"message/rfc822", "message/global"})
_RAW_FILENAME = r'(?:^|;)\s*{}\s*=\s*(?:"([^"]*)"?|([^;]*))'
_MAX_DEFECTS = 100
_MAX_LABEL = 100  # characters of a forwarded subject in an attachment's origin
_MAX_ORIGIN = 500  # characters of an origin in all
_MAX_TYPE = 127  # RFC 6838: type and subtype names are at most 127 characters each


@dataclass(frozen=True)
class PartLimits:
    """How far into one message the walk goes before it stops and records a defect."""

    max_parts: int = 500
    max_depth: int = 30
    max_forward_depth: int = 5
    max_body_chars: int = 1_000_000
    zip: ZipLimits = field(default_factory=ZipLimits)


@dataclass
class PartsFound:
    """What the walk collected: attachments, body candidates and defects."""

    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    # (forward depth, 0 for text/plain or 1 for HTML, text): the body is the smallest.
    bodies: list[tuple[int, int, str]] = field(default_factory=list)
    content_types: set[str] = field(default_factory=set)
    parts: int = 0
    stopped: bool = False

    def defect(self, text: str) -> None:
        if len(self.defects) < _MAX_DEFECTS and text not in self.defects:
            self.defects.append(text)

    def stop(self, reason: str) -> None:
        self.stopped = True
        self.defect(reason)

    def body_text(self, max_chars: int) -> str:
        """The text/plain body, else the HTML one as text; the outer message before forwarded."""
        if not self.bodies:
            return ""
        _forwards, kind, text = min(self.bodies, key=lambda body: body[:2])
        return (html_to_text(text) if kind else text)[:max_chars]


def collect_parts(message: Message, limits: PartLimits) -> PartsFound:
    """Walk ``message`` and collect its attachments and body candidates."""
    found = PartsFound()
    _visit(message, found, limits, depth=0, forwards=0, origin="")
    return found


def _visit(
    part: Message, found: PartsFound, limits: PartLimits, *, depth: int, forwards: int, origin: str
) -> None:
    if found.stopped:
        return
    found.parts += 1
    if found.parts > limits.max_parts:
        found.stop(f"more than {limits.max_parts} MIME parts; the rest were not read")
        return
    if depth > limits.max_depth:
        found.stop(f"MIME parts nested deeper than {limits.max_depth}; the rest were not read")
        return
    ctype = content_type(part)
    found.content_types.add(ctype)
    for defect in part.defects:
        found.defect(f"{type(defect).__name__} in a {ctype} part")
    payload = part.get_payload()
    if not isinstance(payload, list):
        _visit_leaf(part, ctype, found, limits, forwards=forwards, origin=origin)
        return
    children = [child for child in payload if isinstance(child, Message)]
    if ctype in _FORWARD_TYPES or part.get_content_maintype() == "message":
        _visit_forwarded(children, found, limits, depth=depth, forwards=forwards, origin=origin)
    else:
        for child in children:
            _visit(child, found, limits, depth=depth + 1, forwards=forwards, origin=origin)


def _visit_forwarded(
    inner: list[Message],
    found: PartsFound,
    limits: PartLimits,
    *,
    depth: int,
    forwards: int,
    origin: str,
) -> None:
    if forwards >= limits.max_forward_depth:
        found.defect(f"messages forwarded more than {limits.max_forward_depth} deep were not read")
        return
    for message in inner:
        subject = header_text(message, "subject")[:_MAX_LABEL]
        label = f"forwarded: {subject}" if subject else "forwarded message"
        where = f"{origin} / {label}" if origin else label
        _visit(message, found, limits, depth=depth + 1, forwards=forwards + 1, origin=where)


def _visit_leaf(
    part: Message, ctype: str, found: PartsFound, limits: PartLimits, *, forwards: int, origin: str
) -> None:
    if ctype in _NOT_DOCUMENTS:
        return
    disposition = _disposition(part)
    filename = _filename(part, found)
    if part.get_content_maintype() == "multipart":
        found.defect(f"{ctype} part has no readable sub-parts; read as text")
        text = decode_text(part)
        found.bodies.append((forwards, 1 if "<html" in text[:2000].lower() else 0, text))
        return
    if ctype in BODY_TYPES and disposition != "attachment" and not filename:
        found.bodies.append((forwards, BODY_TYPES.index(ctype), decode_text(part)))
        return
    if ctype == "application/pkcs7-mime":
        found.defect("an S/MIME encrypted or opaque-signed part cannot be read; kept as is")
    name = safe_filename(filename) if filename else _default_name(ctype)
    inline = ctype.startswith("image/") and (
        disposition == "inline" or (disposition is None and has_header(part, "content-id"))
    )
    _add_file(found, limits, name, ctype, payload_bytes(part), origin=origin, inline=inline)


def _add_file(
    found: PartsFound,
    limits: PartLimits,
    name: str,
    ctype: str,
    data: bytes,
    *,
    origin: str,
    inline: bool = False,
) -> None:
    members = unpack_zip(data, name, found.defects, limits.zip) if is_zip(name, ctype) else None
    if not members:
        found.attachments.append(_attachment(name, ctype, data, origin, inline))
        return
    for member in members:
        where = " / ".join(
            filter(None, [origin, *(f"zip: {zip_name}" for zip_name in member.path)])
        )
        found.attachments.append(
            _attachment(member.filename, member.content_type, member.data, where, False)
        )


def _attachment(name: str, ctype: str, data: bytes, origin: str, inline: bool) -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    if len(origin) > _MAX_ORIGIN:  # deep forwards: keep the outermost and the innermost
        origin = f"{origin[: _MAX_ORIGIN // 2 - 3]} … {origin[-(_MAX_ORIGIN // 2 - 3) :]}"
    return Attachment(name, ctype, data, digest, origin=origin, inline=inline)


def _default_name(ctype: str) -> str:
    extension = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    return DEFAULT_NAME + extension


def _filename(part: Message, found: PartsFound) -> str | None:
    """The decoded filename: RFC 2231 parameters, encoded words, or an unquoted raw value."""
    try:
        name = part.get_filename()
    except (email.errors.MessageError, LookupError, ValueError, IndexError, AttributeError):
        found.defect("an attachment name could not be read")
        name = None
    name = storable_text(name) if name else name
    raw = _raw_filename(part)
    if raw and (not name or (raw != name and raw.startswith(name))):
        name = raw
    if name and "=?" in name:
        name = decode_words(name)
    return name.strip() if name and name.strip() else None


def _raw_filename(part: Message) -> str | None:
    """The plain ``filename=`` or ``name=`` value as written, for what the parser cut short."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value = raw_header(part, header)
        found = re.search(_RAW_FILENAME.format(param), value, re.IGNORECASE) if value else None
        if found:
            text = found.group(1) if found.group(1) is not None else found.group(2)
            return text.strip() or None
    return None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except (email.errors.MessageError, ValueError, IndexError, AttributeError):
        return None


def content_type(part: Message) -> str:
    """The part's type, lower-case; ``text/plain`` when it cannot be read."""
    try:
        ctype = part.get_content_type()
    except (email.errors.MessageError, ValueError, IndexError, AttributeError):
        return "text/plain"
    return ctype if len(ctype) <= _MAX_TYPE else "application/octet-stream"


def payload_bytes(part: Message) -> bytes:
    """The decoded payload of a leaf part (base64, quoted-printable, uuencode), never None."""
    direct = _base64_directly(part)
    if direct is not None:
        return direct
    try:
        data = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError, AttributeError):
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _base64_directly(part: Message) -> bytes | None:
    """A well-formed base64 payload decoded in one step, or None for the standard path.

    ``get_payload(decode=True)`` copies the text to bytes, splits it into lines and joins
    them again before decoding: five times an attachment's size at once. binascii skips the
    line breaks itself; anything it refuses (bad padding, 8-bit characters) goes the
    standard way, which knows how to repair it.
    """
    if part.get("content-transfer-encoding", "").strip().lower() != "base64":
        return None
    payload = part.get_payload()
    if not isinstance(payload, str):
        return None
    try:
        return binascii.a2b_base64(payload)
    except (binascii.Error, ValueError):
        return None


def decode_text(part: Message) -> str:
    """A text part as str: its charset, else UTF-8, else with replacement characters."""
    return _decode_payload(part).replace("\x00", "")


def _decode_payload(part: Message) -> str:
    data = payload_bytes(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except (email.errors.MessageError, ValueError, IndexError, AttributeError):
        charset = "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError):
            continue
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")
