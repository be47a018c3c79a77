"""Which messages must never be answered automatically (RFC 3834, SPEC section 5).

``classify`` returns ``(is_not_application, reason)``:

- an auto-reply (out of office) or a delivery report (bounce) is not an application at all:
  ``(True, reason)``;
- a list or bulk message, mail from the programme's own address, or mail that failed the
  receiving server's DMARC (or both SPF and DKIM) is still an application, but is never
  answered automatically: ``(False, reason)``;
- anything else: ``(False, None)``.
"""

from __future__ import annotations

import re

from intake.model import ParsedMessage

_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon")
_AUTO_REPLY_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|absence|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica|abwesenheit)",
    re.IGNORECASE,
)
_RESULT = re.compile(r"\b(dmarc|spf|dkim)\s*=\s*([a-z]+)", re.IGNORECASE)


def classify(parsed: ParsedMessage, *, programme_address: str) -> tuple[bool, str | None]:
    headers = parsed.headers
    bounce = _bounce_reason(parsed)
    if bounce:
        return True, bounce
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return True, f"automatic message (Auto-Submitted: {auto_submitted[:60]})"
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers:
            return True, f"automatic reply ({name} header)"
    if _AUTO_REPLY_SUBJECTS.match(parsed.subject or "") and not parsed.attachments:
        return True, "automatic reply (subject says so)"
    return False, _never_answer_reason(parsed, programme_address)


def _bounce_reason(parsed: ParsedMessage) -> str | None:
    content_type = parsed.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/report"):
        return "delivery status report (bounce)"
    local = parsed.sender.partition("@")[0]
    if local in _BOUNCE_SENDERS:
        return f"bounce from {parsed.sender}"
    return None


def _never_answer_reason(parsed: ParsedMessage, programme_address: str) -> str | None:
    headers = parsed.headers
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    if "list-id" in headers:
        return "mailing-list message (List-Id)"
    if "return-path" in headers:
        path = headers["return-path"].strip().strip("<>").strip().lower()
        if not path or path.partition("@")[0] in _BOUNCE_SENDERS:
            return "empty or MAILER-DAEMON return path"
    if not parsed.sender:
        return "no readable sender address"
    if programme_address and parsed.sender == programme_address.lower():
        return "sent from the programme's own address"
    return authentication_failure(headers.get("authentication-results", ""))


def authentication_failure(results: str) -> str | None:
    """The receiving server's verdict: DMARC failed, or SPF and DKIM both failed."""
    verdicts: dict[str, str] = {}
    for method, verdict in _RESULT.findall(results):
        verdicts.setdefault(method.lower(), verdict.lower())
    if verdicts.get("dmarc") == "fail":
        return "the sender failed DMARC at the receiving server (possible spoofing)"
    spf_failed = verdicts.get("spf") in {"fail", "softfail"}
    if spf_failed and verdicts.get("dkim") == "fail":
        return "the sender failed both SPF and DKIM at the receiving server (possible spoofing)"
    return None
