"""Sign-in and sign-out, and the guard every route passes through.

The session cookie (signed, HttpOnly, SameSite=Lax) holds the user's id, the time of
sign-in and the CSRF token. A session ends after ``web.session_minutes`` counted from
sign-in, and at once when the account is disabled.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from common.passwords import hash_password, verify_password
from db import crud
from db.models import StaffUser
from web.login_limit import is_locked, record_attempt
from web.pages import render
from web.security import csrf_token, safe_next
from web.state import web_state

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/login"})
_DUMMY_HASH = hash_password("not a real password")  # equal work for unknown user names

router = APIRouter()


class SignInRequired(Exception):
    """The request has no valid staff session."""


class Forbidden(Exception):
    """The signed-in user's role does not allow this."""


def require_user(request: Request) -> None:
    """Load the signed-in user into ``request.state.user``; refuse anyone else."""
    request.state.user = None
    if request.url.path in PUBLIC_PATHS:
        return
    user_id = request.session.get("uid")
    signed_in_at = request.session.get("at")
    if not isinstance(user_id, int) or not isinstance(signed_in_at, int | float):
        raise SignInRequired()
    state = web_state(request)
    if time.time() - signed_in_at > state.settings.web.session_minutes * 60:
        request.session.clear()
        raise SignInRequired()
    with state.session() as session:
        user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        request.session.clear()
        raise SignInRequired()
    request.state.user = user


def require_admin(request: Request) -> None:
    user = getattr(request.state, "user", None)
    if user is None or user.role != "admin":
        raise Forbidden()


AdminOnly = Depends(require_admin)


def client_address(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    csrf_token(request)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=128)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    state = web_state(request)
    client = client_address(request)
    username = username.strip()
    with state.session() as session:
        if is_locked(session, username=username, client=client):
            return _login_refused(request, next, "Too many failed attempts. Wait 15 minutes.", 429)
        user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
        valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
        ok = bool(user and user.active and valid)
        record_attempt(session, username=username, client=client, success=ok)
        if not ok or user is None:
            return _login_refused(request, next, "Wrong user name or password.", 401)
        crud.audit(
            session,
            actor=user.username,
            entity="staff_user",
            entity_id=user.id,
            action="signed_in",
            detail={"client": client},
        )
    request.session.clear()
    request.session.update({"uid": user.id, "at": int(time.time())})
    csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


def _login_refused(request: Request, next: str, error: str, status: int) -> Response:
    return render(
        request, "login.html", {"next": safe_next(next), "error": error}, status_code=status
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
