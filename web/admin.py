"""Administration (role admin): staff accounts, the reply templates, the rule configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import col, select

from db import crud
from db.models import StaffUser
from notifications.render import PACKAGED_TEMPLATES
from rules.registry import RULES
from web.application import actor
from web.auth import AdminOnly
from web.pages import back_to, flash, render
from web.state import web_state

router = APIRouter(prefix="/admin", dependencies=[AdminOnly])


@router.get("/users")
def users(request: Request) -> Response:
    with web_state(request).session() as session:
        rows = session.exec(select(StaffUser).order_by(col(StaffUser.username))).all()
    return render(request, "admin_users.html", {"users": rows})


@router.post("/users/{user_id}/active")
def set_active(request: Request, user_id: int, active: Annotated[str, Form()]) -> Response:
    enable = active == "1"
    with web_state(request).session() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise HTTPException(status_code=404, detail="no such user")
        if user.id == request.state.user.id and not enable:
            flash(request, "You cannot disable your own account.", "error")
            return back_to("/admin/users")
        user.active = enable
        session.add(user)
        crud.audit(
            session,
            actor=actor(request),
            entity="staff_user",
            entity_id=user.id,
            action="enabled" if enable else "disabled",
            detail={"username": user.username},
        )
    flash(request, f"{user.username} {'enabled' if enable else 'disabled'}.")
    return back_to("/admin/users")


def template_folders(request: Request) -> list[tuple[str, Path]]:
    """The folders replies are rendered from, the staff's own first."""
    custom = web_state(request).settings.notifications.template_dir
    folders = [("custom", Path(custom))] if custom and Path(custom).is_dir() else []
    return [*folders, ("packaged", PACKAGED_TEMPLATES)]


def template_files(request: Request) -> dict[str, tuple[str, Path]]:
    """Each template name ("en/acknowledgement.txt.j2") with where the one in use lives."""
    found: dict[str, tuple[str, Path]] = {}
    for origin, folder in template_folders(request):
        for path in sorted(folder.glob("*/*.j2")):
            found.setdefault(f"{path.parent.name}/{path.name}", (origin, path))
    return dict(sorted(found.items()))


@router.get("/templates")
def templates(request: Request, name: str = "") -> Response:
    files = template_files(request)
    chosen = files.get(name)
    source = chosen[1].read_text(encoding="utf-8", errors="replace") if chosen else None
    return render(
        request,
        "admin_templates.html",
        {
            "files": files,
            "name": name if chosen else "",
            "source": source,
            "folders": template_folders(request),
        },
    )


@router.get("/rules")
def rules(request: Request) -> Response:
    settings = web_state(request).settings
    return render(
        request,
        "admin_rules.html",
        {
            "rules": RULES,
            "config": settings.rules,
            "disabled": set(settings.rules.disabled),
            "severity_map": settings.rules.severity,
            "programme": settings.programme,
        },
    )
