"""Replies written by staff: draft from a template, preview and edit, then send at once."""

from __future__ import annotations

import html
import logging
from contextlib import closing
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from common.clock import utcnow
from common.errors import MppError
from db import crud
from db.models import Application, FindingRecord, MailMessage, Notification
from notifications.delivery import deliver_due
from notifications.outbox import add_notification, reply_recipients
from rules.model import Decision, Finding
from web.application import actor, find_application, page_of
from web.application_view import REPLY_KINDS
from web.field_forms import parse_value
from web.pages import back_to, flash, render
from web.state import WebState, web_state

log = logging.getLogger("mpp.web")
router = APIRouter()
Text = Annotated[str, Form()]


def current_decision(session: Session, application: Application) -> Decision:
    """The decision as staff see it now: active findings that were not overridden."""
    rows = session.exec(
        select(FindingRecord)
        .where(
            FindingRecord.application_id == application.id,
            col(FindingRecord.active).is_(True),
            col(FindingRecord.overridden).is_(False),
        )
        .order_by(col(FindingRecord.id))
    )
    findings = tuple(
        Finding(code=row.code, severity=row.severity, kind=row.kind, message=row.message)  # type: ignore[arg-type]
        for row in rows
    )
    return Decision(status=application.status, findings=findings, reasons=())  # type: ignore[arg-type]


def find_reply(session: Session, application: Application, reply_id: int) -> Notification:
    reply = session.get(Notification, reply_id)
    if reply is None or reply.application_id != application.id:
        raise HTTPException(status_code=404, detail="no such reply")
    return reply


def reply_page(reference: str, reply_id: int | None) -> str:
    return f"{page_of(reference)}/replies/{reply_id}"


@router.post("/applications/{reference}/replies")
def draft(request: Request, reference: str, kind: Text) -> Response:
    if kind not in REPLY_KINDS:
        flash(request, "Not drafted: choose the kind of reply.", "error")
        return back_to(page_of(reference))
    state = web_state(request)
    with state.session() as session:
        application = find_application(session, reference)
        message = session.get_one(MailMessage, application.mail_message_id)
        own = {
            state.settings.notifications.from_address.lower(),
            state.settings.programme.officer_address.lower(),
        }
        to = reply_recipients(
            sender=application.sender,
            contact_emails=list(application.emails or []),
            own_addresses=own,
        )
        reply = add_notification(
            session,
            application=application,
            kind=kind,
            to=to,
            in_reply_to=message.message_id or None,
            decision=current_decision(session, application),
            settings=state.settings,
            status="draft",
            actor=actor(request),
        )
    return back_to(reply_page(reference, reply.id))


@router.get("/applications/{reference}/replies/{reply_id}")
def preview(request: Request, reference: str, reply_id: int) -> Response:
    with web_state(request).session() as session:
        application = find_application(session, reference)
        reply = find_reply(session, application, reply_id)
    from_address = web_state(request).settings.notifications.from_address
    return render(
        request, "reply.html", {"app": application, "reply": reply, "from_address": from_address}
    )


def text_as_html(text: str) -> str:
    """The HTML part of an edited reply: the text, escaped, one paragraph per blank line."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    body = "".join(
        "<p>" + html.escape(part).replace("\n", "<br>\n") + "</p>\n" for part in paragraphs
    )
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}</body></html>\n'
    )


@router.post("/applications/{reference}/replies/{reply_id}/edit")
def edit(
    request: Request, reference: str, reply_id: int, subject: Text, body_text: Text, to: Text
) -> Response:
    recipients = parse_value("emails", to)
    subject = " ".join(subject.split())
    if not subject or not body_text.strip() or not recipients or len(body_text) > 100_000:
        flash(request, "Not saved: a reply needs recipients, a subject and a text.", "error")
        return back_to(reply_page(reference, reply_id))
    with web_state(request).session() as session:
        application = find_application(session, reference)
        reply = find_reply(session, application, reply_id)
        if reply.status != "draft":
            flash(request, "Only a draft can be edited.", "error")
            return back_to(reply_page(reference, reply_id))
        reply.to = reply_recipients(sender="", contact_emails=list(recipients), own_addresses=set())
        dropped = [address for address in recipients if address.lower() not in reply.to]
        reply.subject, reply.body_text = subject[:998], body_text.replace("\r\n", "\n")
        reply.body_html = text_as_html(reply.body_text)
        session.add(reply)
        crud.audit(
            session,
            actor=actor(request),
            entity="notification",
            entity_id=reply.id,
            action="edited",
            detail={"to": reply.to, "dropped": dropped},
        )
    flash(request, "Draft saved.")
    return back_to(reply_page(reference, reply_id))


@router.post("/applications/{reference}/replies/{reply_id}/cancel")
def cancel(request: Request, reference: str, reply_id: int) -> Response:
    with web_state(request).session() as session:
        application = find_application(session, reference)
        reply = find_reply(session, application, reply_id)
        if reply.status == "draft":
            reply.status = "cancelled"
            session.add(reply)
            crud.audit(
                session,
                actor=actor(request),
                entity="notification",
                entity_id=reply.id,
                action="cancelled",
            )
    flash(request, "Draft discarded.")
    return back_to(page_of(reference))


@router.post("/applications/{reference}/replies/{reply_id}/send")
def send(request: Request, reference: str, reply_id: int) -> Response:
    state = web_state(request)
    with state.session() as session:
        application = find_application(session, reference)
        reply = find_reply(session, application, reply_id)
        if reply.status != "draft" or not reply.to:
            flash(request, "Only a draft with recipients can be sent.", "error")
            return back_to(reply_page(reference, reply_id))
        reply.status, reply.next_attempt_at = "pending", utcnow()
        session.add(reply)
        crud.audit(
            session,
            actor=actor(request),
            entity="notification",
            entity_id=reply.id,
            action="send_requested",
            detail={"to": reply.to},
        )
    flash(request, *deliver_now(state, reply_id))
    return back_to(page_of(reference))


def deliver_now(state: WebState, reply_id: int) -> tuple[str, str]:
    """Deliver the outbox at once; the worker retries whatever is left."""
    try:
        with closing(state.make_transport(state.settings)) as transport:
            report = deliver_due(state.engine, transport, state.settings)
    except MppError as exc:
        log.warning("delivery from the web interface failed: %s", exc)
        return f"Queued; the worker will send it ({exc}).", "warn"
    if reply_id in report.sent:
        return "Reply sent.", "ok"
    if reply_id in report.failed:
        return "The reply could not be delivered; see the error below.", "error"
    return "Queued; the mail server did not take it yet, the worker will retry.", "warn"
