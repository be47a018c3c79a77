"""Mail that must not be answered automatically (RFC 3834, SPEC section 5) and mail that is
not an application at all (an out-of-office reply, a bounce).

Two outcomes, from the headers only:

- not an application (and never answered): an automatic reply (``Auto-Submitted:
  auto-replied``, ``X-Autoreply``, ``X-Autorespond``, ``Precedence: auto_reply``) or a delivery
  report (``multipart/report``, ``message/delivery-status``, a MAILER-DAEMON return path, mail
  from mailer-daemon or postmaster);
- an application that is never answered: other ``Auto-Submitted`` values, ``Precedence``
  bulk/junk/list, ``List-Id``, an empty return path, the programme's own address, or a
  receiving server's ``Authentication-Results`` saying DMARC failed, or SPF and DKIM both
  failed (the reason starts with ``authentication failed`` so staff can be warned).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from intake.model import ParsedMessage

AUTH_FAILED_PREFIX = "authentication failed"
_REPORT_TYPES = ("multipart/report", "message/delivery-status", "message/global-delivery-status")
_DAEMON_NAMES = frozenset({"mailer-daemon", "postmaster"})
_AUTH_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)

Check = Callable[[ParsedMessage], "str | None"]


def classify(message: ParsedMessage | bytes, *, programme_address: str) -> tuple[bool, str | None]:
    """(is not an application, why it must never be answered automatically or None)."""
    if isinstance(message, bytes | bytearray):
        from intake.mime import parse_message  # parse_message itself calls classify

        parsed = parse_message(bytes(message), programme_address=programme_address)
        return parsed.is_bounce_or_autoreply, parsed.automatic_reason
    for check in (_automatic_reply, _delivery_report):
        reason = check(message)
        if reason:
            return True, reason
    for check in (_bulk_or_list, _return_path, _authentication):
        reason = check(message)
        if reason:
            return False, reason
    if programme_address and message.sender == programme_address.strip().lower():
        return False, "sent from the programme's own address"
    return False, None


def _automatic_reply(message: ParsedMessage) -> str | None:
    headers = message.headers
    submitted = _token(headers.get("auto-submitted"))
    if submitted == "auto-replied":
        return "Auto-Submitted: auto-replied (an automatic reply)"
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers and _token(headers[name]) not in ("no", "false", "0"):
            return f"{name.title()} header (an automatic reply)"
    if _token(headers.get("precedence")) == "auto_reply":
        return "Precedence: auto_reply (an automatic reply)"
    return None


def _delivery_report(message: ParsedMessage) -> str | None:
    if _token(message.headers.get("content-type")) in _REPORT_TYPES:
        return "a delivery or disposition report (bounce)"
    if _token(_bare(message.headers.get("return-path", ""))).split("@")[0] == "mailer-daemon":
        return "Return-Path is MAILER-DAEMON (bounce)"
    if message.sender.split("@")[0] in _DAEMON_NAMES:
        return f"sent by {message.sender.split('@')[0]} (bounce)"
    return None


def _bulk_or_list(message: ParsedMessage) -> str | None:
    headers = message.headers
    submitted = _token(headers.get("auto-submitted"))
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = _token(headers.get("precedence"))
    if precedence in ("bulk", "junk", "list"):
        return f"Precedence: {precedence}"
    if "list-id" in headers:
        return "List-Id header (mailing-list mail)"
    return None


def _return_path(message: ParsedMessage) -> str | None:
    if "return-path" in message.headers and not _bare(message.headers["return-path"]):
        return "empty Return-Path (null sender)"
    return None


def _authentication(message: ParsedMessage) -> str | None:
    """The receiving server's verdict: the topmost Authentication-Results header."""
    results: dict[str, set[str]] = {}
    for method, result in _AUTH_RESULT.findall(message.headers.get("authentication-results", "")):
        results.setdefault(method.lower(), set()).add(result.lower())
    if "fail" in results.get("dmarc", set()):
        return f"{AUTH_FAILED_PREFIX}: DMARC fail"
    spf_failed = bool(results.get("spf", set()) & {"fail", "softfail"})
    dkim = results.get("dkim", set())
    if spf_failed and "fail" in dkim and "pass" not in dkim:
        return f"{AUTH_FAILED_PREFIX}: SPF and DKIM both fail"
    return None


def _token(value: str | None) -> str:
    """The first word of a header value, lower-case: ``auto-replied; owner=x`` -> auto-replied."""
    if not value:
        return ""
    return value.split(";", 1)[0].strip().lower()


def _bare(return_path: str) -> str:
    return return_path.strip().strip("<>").strip()
