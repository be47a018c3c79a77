"""Rendering pages: the template environment, its filters, flash messages and redirects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from common.settings import Settings
from ops.alerts import current_alert
from rules.thematic_areas import AREA_TITLES
from web.security import CSRF_FIELD, csrf_token
from web.state import TEMPLATES, web_state


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    zone = ZoneInfo(settings.programme.timezone)
    env = templates.env
    env.filters["when"] = lambda value: _when(value, zone)
    env.filters["day"] = _day
    env.filters["yesno"] = _yesno
    env.filters["percent"] = lambda value: f"{round(float(value) * 100)}%"
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["timezone"] = settings.programme.timezone
    env.globals["area_title"] = lambda number: AREA_TITLES.get(number, "")
    return templates


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "—"


def _day(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _yesno(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A page with the signed-in user, the CSRF token, flash messages and the worker banner."""
    state = web_state(request)
    user = getattr(request.state, "user", None)
    page = {
        "user": user,
        "csrf": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "worker_alert": worker_alert(request) if user else None,
        "nav": request.url.path,
        **context,
    }
    return state.templates.TemplateResponse(request, name, page, status_code=status_code)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message shown once on the next page (kind: ok, warn, error)."""
    messages = list(request.session.get("flash", []))[-4:]
    messages.append({"kind": kind, "text": text[:500]})
    request.session["flash"] = messages


def back_to(url: str) -> RedirectResponse:
    """After a POST: show the page again with a GET (303 See Other)."""
    return RedirectResponse(url, status_code=303)


def worker_alert(request: Request) -> str | None:
    """The banner: what staff were (or are about to be) alerted about, and dry run."""
    state = web_state(request)
    return current_alert(state.engine, state.settings)
