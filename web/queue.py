"""The triage queue (``/``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import ColumnElement, func, or_
from sqlmodel import col, select

from db.models import MailMessage
from web.pages import render
from web.queue_query import SORTS, QueueFilters, filter_choices, queue_page
from web.state import web_state

router = APIRouter()


def as_int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def filters_from(request: Request) -> QueueFilters:
    """The queue filters from the URL; unknown sorts and odd values are ignored."""
    params = request.query_params

    def text(name: str) -> str:
        return (params.get(name) or "").strip()[:200]

    sort = text("sort")
    return QueueFilters(
        status=text("status"),
        cycle=text("cycle"),
        region=text("region"),
        mode=text("mode"),
        code=text("code"),
        q=text("q"),
        sort=sort if sort in SORTS else "",
        order="desc" if text("order") == "desc" else "asc",
        page=max(1, as_int(params.get("page"), 1)),
    )


@router.get("/")
def queue(request: Request) -> Response:
    filters = filters_from(request)
    with web_state(request).session() as session:
        page = queue_page(session, filters)
        choices = filter_choices(session)
        not_applications = session.exec(
            select(func.count()).select_from(MailMessage).where(not_an_application())
        ).one()
    return render(
        request,
        "queue.html",
        {
            "page": page,
            "filters": filters,
            "choices": choices,
            "not_applications": not_applications,
        },
    )


def not_an_application() -> ColumnElement[bool]:
    """Messages that made no application: automatic replies, bounces, failures."""
    return or_(col(MailMessage.is_automatic).is_(True), col(MailMessage.state) == "failed")
