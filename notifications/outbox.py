"""The outbox: a reply is rendered and queued in the transaction that records the decision.

Delivery happens later (``notifications.delivery``), so a crash can never lose a reply and
a reply is never sent for a decision that was rolled back.
"""

from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session

from common.clock import utcnow
from common.settings import Settings
from db import crud
from db.models import Application, MailMessage, Notification
from intake.model import ParsedMessage
from notifications.message import deterministic_message_id
from notifications.render import ReplyContext, render_reply
from rules.model import Decision

REPLY_KIND = {
    "complete": "acknowledgement",
    "incomplete": "incomplete",
    "ineligible": "ineligible",
    "needs_review": "receipt",
}


def drafted_kind(decision: Decision) -> str:
    """The notice the findings call for, for staff to send once they have looked."""
    errors = {finding.kind for finding in decision.findings if finding.severity == "error"}
    if "eligibility" in errors:
        return "ineligible"
    return "incomplete" if "completeness" in errors else "acknowledgement"


def draft_for_review(
    session: Session,
    *,
    application: Application,
    message: MailMessage,
    parsed: ParsedMessage,
    decision: Decision,
    settings: Settings,
) -> Notification | None:
    """A person must look first: prepare the notice they are most likely to send, as a draft."""
    own = {settings.notifications.from_address.lower(), settings.programme.officer_address.lower()}
    recipients = reply_recipients(
        sender=parsed.sender, contact_emails=list(application.emails or []), own_addresses=own
    )
    if not recipients:
        return None
    return add_notification(
        session,
        application=application,
        kind=drafted_kind(decision),
        to=recipients,
        in_reply_to=message.message_id or None,
        decision=decision,
        settings=settings,
        status="draft",
    )


def reply_recipients(
    *, sender: str, contact_emails: list[str], own_addresses: set[str]
) -> list[str]:
    """The sender and the form's contact addresses, valid and de-duplicated, never our own."""
    chosen: list[str] = []
    for address in [sender, *contact_emails]:
        try:
            normal = validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            continue
        if normal not in chosen and normal not in own_addresses:
            chosen.append(normal)
    return chosen


def suppression_reason(
    session: Session, *, parsed: ParsedMessage, recipients: list[str], settings: Settings
) -> str | None:
    """Why no automatic reply may go out, or None."""
    if parsed.automatic_reason:
        return parsed.automatic_reason
    if not recipients:
        return "no valid address to reply to"
    limit = settings.notifications.max_replies_per_sender_per_day
    since = utcnow() - timedelta(days=1)
    sent = crud.replies_to_address_since(session=session, address=parsed.sender, since=since)
    if parsed.sender and sent >= limit:
        return f"per-sender limit reached ({limit} replies in 24 hours to {parsed.sender})"
    return None


def queue_reply(
    session: Session,
    *,
    application: Application,
    message: MailMessage,
    parsed: ParsedMessage,
    decision: Decision,
    settings: Settings,
) -> Notification | None:
    kind = REPLY_KIND.get(decision.status)
    if kind is None or (kind == "receipt" and not settings.notifications.send_receipt):
        return None
    own = {settings.notifications.from_address.lower(), settings.programme.officer_address.lower()}
    recipients = reply_recipients(
        sender=parsed.sender, contact_emails=list(application.emails or []), own_addresses=own
    )
    reason = suppression_reason(session, parsed=parsed, recipients=recipients, settings=settings)
    if reason:
        application.reply_suppressed_reason = reason[:512]
        crud.audit(
            session,
            actor="pipeline",
            entity="application",
            entity_id=application.id,
            action="reply_suppressed",
            detail={"kind": kind},
            reason=reason,
        )
        return None
    return add_notification(
        session,
        application=application,
        kind=kind,
        to=recipients,
        in_reply_to=message.message_id or None,
        decision=decision,
        settings=settings,
    )


def reply_context(application: Application, decision: Decision, settings: Settings) -> ReplyContext:
    return ReplyContext(
        reference=application.reference,
        national_authority=application.national_authority,
        state_party=application.state_party,
        contact_person=application.contact_person,
        findings=decision.findings,
        review_cycle=application.review_cycle,
        received_at=application.received_at,
        language=application.language or "en",
        programme_address=settings.notifications.from_address,
        officer_address=settings.programme.officer_address,
        timezone=settings.programme.timezone,
    )


def add_notification(
    session: Session,
    *,
    application: Application,
    kind: str,
    to: list[str],
    in_reply_to: str | None,
    decision: Decision,
    settings: Settings,
    status: str = "pending",
    actor: str = "pipeline",
) -> Notification:
    template_dir = settings.notifications.template_dir or None
    rendered = render_reply(
        kind, reply_context(application, decision, settings), template_dir=template_dir
    )
    domain = settings.notifications.from_address.rpartition("@")[2] or "localhost"
    serial = crud.notification_count(session=session, application_id=application.id) + 1
    notification = Notification(
        application_id=application.id,
        mail_message_id=application.mail_message_id,
        kind=kind,
        to=to,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        message_id_header=deterministic_message_id(
            f"{application.reference}/{kind}/{serial}", domain
        ),
        in_reply_to=in_reply_to,
        attach_blank_forms=any(f.code == "FORM_MISSING" for f in decision.findings),
        status=status,
    )
    session.add(notification)
    session.flush()
    crud.audit(
        session,
        actor=actor,
        entity="notification",
        entity_id=notification.id,
        action="drafted" if status == "draft" else "queued",
        detail={"kind": kind, "to": to, "application": application.reference},
    )
    return notification
