"""Response headers, the session secret and CSRF tokens."""

from __future__ import annotations

import hmac
import logging
import os
import secrets

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.settings import Settings

log = logging.getLogger("mpp.web")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class CsrfRefused(Exception):
    """A POST came without the session's CSRF token."""


class SecurityHeaders:
    """Adds the security headers to every response; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def session_secret(settings: Settings) -> str:
    """The secret that signs session cookies: from the environment, else random per process."""
    name = settings.web.secret_key_env
    secret = os.environ.get(name, "")
    if len(secret) >= 16:
        return secret
    log.warning(
        "%s is not set (or shorter than 16 characters): using a random secret; "
        "sessions end when the server restarts",
        name,
    )
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form (or header) lacks the session's token."""
    if request.method != "POST":
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        try:
            form = await request.form()
        except Exception as exc:
            raise CsrfRefused("unreadable form") from exc
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRefused("missing or wrong CSRF token")


def safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
