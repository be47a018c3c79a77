"""The application page and the staff actions on it. Every action is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from common.clock import utcnow
from db import crud
from db.models import Application, FindingRecord, MailMessage
from db.models_staff import Note
from intake.reevaluate import Reevaluation, correct_field
from web.application_view import REPLY_KINDS, load_view
from web.field_forms import BadValue, parse_value
from web.merge import MergeRefused, merge_message
from web.pages import back_to, flash, render
from web.queue_query import STATUSES
from web.state import web_state

router = APIRouter()
Text = Annotated[str, Form()]


def actor(request: Request) -> str:
    return str(request.state.user.username)


def find_application(session: Session, reference: str) -> Application:
    application = crud.get_application(session=session, reference=reference)
    if application is None:
        raise HTTPException(status_code=404, detail=f"no application {reference}")
    return application


def page_of(reference: str) -> str:
    return f"/applications/{reference}"


@router.get("/applications/{reference}")
def application_page(request: Request, reference: str) -> Response:
    state = web_state(request)
    with state.session() as session:
        view = load_view(session, reference)
    if view is None:
        raise HTTPException(status_code=404, detail=f"no application {reference}")
    return render(
        request,
        "application.html",
        {
            "view": view,
            "app": view.application,
            "statuses": STATUSES,
            "reply_kinds": REPLY_KINDS,
            "min_confidence": state.settings.rules.min_field_confidence,
        },
    )


def describe_change(change: Reevaluation) -> str:
    parts = [
        f"Status {change.status_before} → {change.status_after}."
        if change.status_before != change.status_after
        else f"Status stays {change.status_after}."
    ]
    if change.added:
        parts.append("New findings: " + ", ".join(change.added) + ".")
    if change.removed:
        parts.append("Resolved: " + ", ".join(change.removed) + ".")
    if not change.added and not change.removed:
        parts.append("The findings did not change.")
    return " ".join(parts)


@router.post("/applications/{reference}/fields")
def correct(
    request: Request, reference: str, field: Text, value: Text = "", reason: Text = ""
) -> Response:
    state = web_state(request)
    try:
        typed = parse_value(field, value)
    except BadValue as exc:
        flash(request, f"Not saved: {exc}.", "error")
        return back_to(page_of(reference))
    with state.session() as session:
        application = find_application(session, reference)
        change = correct_field(
            session,
            application,
            state.settings,
            field=field,
            value=typed,
            actor=actor(request),
            reason=reason.strip() or None,
        )
    flash(request, f"{field.replace('_', ' ').capitalize()} corrected. {describe_change(change)}")
    return back_to(page_of(reference))


@router.post("/applications/{reference}/findings/{finding_id}/override")
def override(request: Request, reference: str, finding_id: int, reason: Text = "") -> Response:
    if not reason.strip():
        flash(request, "Not saved: give the reason for overriding the finding.", "error")
        return back_to(page_of(reference))
    with web_state(request).session() as session:
        application = find_application(session, reference)
        finding = session.get(FindingRecord, finding_id)
        if finding is None or finding.application_id != application.id or not finding.active:
            raise HTTPException(status_code=404, detail="no such active finding")
        finding.overridden, finding.override_reason = True, reason.strip()
        session.add(finding)
        crud.audit(
            session,
            actor=actor(request),
            entity="application",
            entity_id=application.id,
            action="finding_overridden",
            detail={"code": finding.code},
            reason=reason.strip(),
        )
    flash(request, f"{finding.code} overridden. Change the status if the decision changes.")
    return back_to(page_of(reference))


@router.post("/applications/{reference}/status")
def change_status(request: Request, reference: str, status: Text, reason: Text = "") -> Response:
    if status not in STATUSES or not reason.strip():
        flash(request, "Not saved: choose a status and give the reason.", "error")
        return back_to(page_of(reference))
    with web_state(request).session() as session:
        application = find_application(session, reference)
        before = application.status
        application.status, application.updated_at = status, utcnow()
        session.add(application)
        crud.audit(
            session,
            actor=actor(request),
            entity="application",
            entity_id=application.id,
            action="status",
            detail={"from": before, "to": status},
            reason=reason.strip(),
        )
    flash(request, f"Status {before} → {status}.")
    return back_to(page_of(reference))


@router.post("/applications/{reference}/notes")
def add_note(request: Request, reference: str, text: Text = "") -> Response:
    text = text.strip()
    if not text or len(text) > 20_000:
        flash(request, "Not saved: a note has 1 to 20,000 characters.", "error")
        return back_to(page_of(reference))
    with web_state(request).session() as session:
        application = find_application(session, reference)
        note = Note(application_id=application.id, author=actor(request), text=text)  # type: ignore[arg-type]
        session.add(note)
        session.flush()
        crud.audit(
            session,
            actor=actor(request),
            entity="application",
            entity_id=application.id,
            action="note_added",
            detail={"note": note.id},
        )
    flash(request, "Note added.")
    return back_to(page_of(reference))


@router.post("/applications/{reference}/merge")
def merge(request: Request, reference: str, message_id: Annotated[int, Form()]) -> Response:
    state = web_state(request)
    with state.session() as session:
        application = find_application(session, reference)
        message = session.get(MailMessage, message_id)
        if message is None:
            raise HTTPException(status_code=404, detail="no such message")
        try:
            change = merge_message(
                session,
                application=application,
                message=message,
                settings=state.settings,
                actor=actor(request),
            )
        except MergeRefused as exc:
            flash(request, f"Not merged: {exc}.", "error")
            return back_to(page_of(reference))
    flash(request, f"Message merged. {describe_change(change)}")
    return back_to(page_of(reference))
