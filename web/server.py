"""The staff web application and the server that runs it (``mpp serve``).

Every route passes two guards: the signed-in user (all but the public health routes and
the sign-in page) and, for POST, the session's CSRF token (sign-in included).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from common.settings import Settings
from intake.storage import BlobStore
from notifications.delivery import Transport, make_transport
from web import (
    admin,
    application,
    auth,
    documents,
    health,
    history,
    messages,
    partnerships,
    quarter,
    queue,
    replies,
)
from web.auth import Forbidden, SignInRequired, require_user
from web.pages import make_templates, render
from web.security import CsrfRefused, SecurityHeaders, check_csrf, session_secret
from web.state import STATIC, WebState

SESSION_COOKIE = "mpp_session"
ROUTERS = (
    health,
    auth,
    queue,
    messages,
    application,
    replies,
    documents,
    partnerships,
    history,
    quarter,
    admin,
)


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    transport_factory: Callable[[Settings], Transport] = make_transport,
) -> FastAPI:
    app = FastAPI(
        title="MPP staff",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(require_user), Depends(check_csrf)],
    )
    app.state.web = WebState(
        settings=settings,
        engine=engine,
        templates=make_templates(settings),
        store=BlobStore(settings.storage.path),
        make_transport=transport_factory,
    )
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_error_pages(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.web.session_minutes * 60,
        same_site="lax",
        https_only=settings.web.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    return app


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "text/html")


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
        return PlainTextResponse("sign in first\n", status_code=401)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _problem(request, 403, "This page is for administrators.")

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        return _problem(
            request,
            403,
            "The form has expired or did not come from this site. "
            "Go back, reload the page and try again.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _problem(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(str(error["loc"][-1]) for error in exc.errors()[:5])
        return _problem(request, 422, f"The request is missing or has a wrong value: {fields}.")


def _problem(request: Request, status: int, text: str) -> Response:
    if _wants_page(request) or request.method == "POST":
        return render(request, "problem.html", {"status": status, "text": text}, status_code=status)
    return PlainTextResponse(text + "\n", status_code=status)


def serve(settings: Settings, engine: Engine, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the staff interface until interrupted."""
    uvicorn.run(
        create_app(settings, engine),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        server_header=False,
    )
