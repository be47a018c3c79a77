"""Liveness, readiness and Prometheus metrics: the only routes open without sign-in."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ops.metrics import CONTENT_TYPE, render_metrics
from web.state import web_state

log = logging.getLogger("mpp.web")
router = APIRouter()


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


@router.get("/metrics")
def metrics(request: Request) -> Response:
    state = web_state(request)
    text_body = render_metrics(state.engine, dry_run=state.settings.worker.dry_run)
    return Response(text_body, media_type=CONTENT_TYPE)
