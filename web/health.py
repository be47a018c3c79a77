"""Liveness, readiness and Prometheus metrics: the only routes open without sign-in."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, col, select

from db.models import Application, MailMessage, Notification, WorkerHeartbeat
from web.queue_query import STATUSES
from web.state import web_state

log = logging.getLogger("mpp.web")
router = APIRouter()
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/healthz")
def healthz() -> Response:
    return PlainTextResponse("ok\n")


@router.get("/readyz")
def readyz(request: Request) -> Response:
    try:
        with web_state(request).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("database not reachable: %s", exc)
        return PlainTextResponse("database unreachable\n", status_code=503)
    return PlainTextResponse("ready\n")


def _metric(lines: list[str], name: str, help_text: str, samples: list[tuple[str, float]]) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{labels} {_number(value)}" for labels, value in samples]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _grouped(session: Session, column: Any, model: type[SQLModel]) -> dict[str, int]:
    rows = session.exec(select(column, func.count()).select_from(model).group_by(column)).all()
    return {str(key): count for key, count in rows}


@router.get("/metrics")
def metrics(request: Request) -> Response:
    with Session(web_state(request).engine) as session:
        beats = {row.name: row for row in session.exec(select(WorkerHeartbeat))}
        applications = _grouped(session, col(Application.status), Application)
        replies = _grouped(session, col(Notification.status), Notification)
        failed_messages = session.exec(
            select(func.count()).select_from(MailMessage).where(MailMessage.state == "failed")
        ).one()
    lines: list[str] = []
    for name, help_text, samples in _families(beats, applications, replies, failed_messages):
        _metric(lines, name, help_text, samples)
    return Response("\n".join(lines) + "\n", media_type=PROMETHEUS)


Samples = list[tuple[str, float]]


def _families(
    beats: dict[str, WorkerHeartbeat],
    applications: dict[str, int],
    replies: dict[str, int],
    failed_messages: int,
) -> list[tuple[str, str, Samples]]:
    """Each metric: its name, its help text and its samples (labels, value)."""
    families: list[tuple[str, str, Samples]] = []
    for name in ("poll", "deliver"):
        beat = beats.get(name)
        last = beat.last_success_at.timestamp() if beat and beat.last_success_at else 0
        families.append(
            (
                f"mpp_last_successful_{name}_timestamp_seconds",
                f"Unix time of the last successful {name} (0: never).",
                [("", last)],
            )
        )
    by_status = [(f'{{status="{s}"}}', float(applications.get(s, 0))) for s in STATUSES]
    sent = [
        (f'{{status="{s}"}}', float(replies.get(s, 0)))
        for s in ("sent", "failed", "draft", "cancelled")
    ]
    backlog = replies.get("pending", 0) + replies.get("sending", 0)
    return [
        *families,
        ("mpp_applications", "Applications by status.", by_status),
        ("mpp_outbox_backlog", "Replies waiting to be sent (pending or sending).", [("", backlog)]),
        ("mpp_replies", "Replies by delivery status.", sent),
        (
            "mpp_messages_failed",
            "Messages the pipeline could not process.",
            [("", failed_messages)],
        ),
    ]
