"""Messages: those that are not applications (auto-replies, bounces, failures), and any
message's page with its raw download and the way to merge it into an application."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import col, select

from db import crud
from db.models import Application, Document, MailMessage
from web.application import actor, page_of
from web.merge import MergeRefused, merge_message
from web.pages import back_to, flash, render
from web.queue import as_int, not_an_application
from web.state import web_state

router = APIRouter()
PAGE_SIZE = 100


@router.get("/messages")
def messages(request: Request) -> Response:
    page = max(1, as_int(request.query_params.get("page"), 1))
    with web_state(request).session() as session:
        total = session.exec(
            select(func.count()).select_from(MailMessage).where(not_an_application())
        ).one()
        rows = session.exec(
            select(MailMessage)
            .where(not_an_application())
            .order_by(col(MailMessage.created_at).desc(), col(MailMessage.id).desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request, "messages.html", {"messages": rows, "total": total, "page": page, "pages": pages}
    )


@router.get("/messages/{message_id}")
def message_page(request: Request, message_id: int) -> Response:
    with web_state(request).session() as session:
        message = session.get(MailMessage, message_id)
        if message is None:
            raise HTTPException(status_code=404, detail="no such message")
        application = session.exec(
            select(Application).where(Application.mail_message_id == message_id)
        ).first()
        documents = session.exec(
            select(Document).where(Document.mail_message_id == message_id)
        ).all()
        history = crud.audit_entries(session=session, entity="message", entity_id=message_id)
    return render(
        request,
        "message.html",
        {
            "message": message,
            "application": application,
            "documents": documents,
            "history": history,
        },
    )


@router.post("/messages/{message_id}/merge")
def merge_into(
    request: Request, message_id: int, reference: Annotated[str, Form(max_length=64)]
) -> Response:
    state = web_state(request)
    reference = reference.strip()
    with state.session() as session:
        message = session.get(MailMessage, message_id)
        application = crud.get_application(session=session, reference=reference)
        if message is None:
            raise HTTPException(status_code=404, detail="no such message")
        if application is None:
            flash(request, f"Not merged: there is no application {reference}.", "error")
            return back_to(f"/messages/{message_id}")
        try:
            merge_message(
                session,
                application=application,
                message=message,
                settings=state.settings,
                actor=actor(request),
            )
        except MergeRefused as exc:
            flash(request, f"Not merged: {exc}.", "error")
            return back_to(f"/messages/{message_id}")
    flash(request, f"Message merged into {reference}.")
    return back_to(page_of(reference))
