"""Every route but the public ones refuses anonymous requests; every POST needs the CSRF token."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of, make_pair, post_form

PUBLIC = {"/healthz", "/readyz", "/metrics", "/login"}
ADMIN_PREFIX = "/admin/"


def routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, with path parameters filled with harmless values."""
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path.startswith("/static"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        found += [(method, concrete) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_the_route_list_is_complete(app):
    paths = {path for _, path in routes(app)}
    assert {"/", "/applications/1", "/matching", "/quarter", "/metrics"} <= paths
    assert len(paths) > 25


def test_anonymous_requests_are_refused_everywhere_but_public_routes(app, anonymous):
    checked = 0
    for method, path in routes(app):
        if path in PUBLIC:
            continue
        response = anonymous.request(method, path, follow_redirects=False)
        if method == "GET":
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
        else:
            assert response.status_code == 401, path
        checked += 1
    assert checked > 25


def test_public_routes_answer_without_sign_in(anonymous):
    for path in ("/healthz", "/readyz", "/metrics", "/login"):
        assert anonymous.get(path).status_code == 200, path


def test_every_post_refuses_a_missing_or_wrong_csrf_token(app, admin: TestClient):
    posts = [path for method, path in routes(app) if method == "POST"]
    assert len(posts) > 10
    for path in posts:
        missing = admin.post(path, data={"reason": "x"}, follow_redirects=False)
        assert missing.status_code == 403, path
        wrong = admin.post(path, data={"csrf_token": "forged"}, follow_redirects=False)
        assert wrong.status_code == 403, path
        header = admin.post(path, headers={"x-csrf-token": "forged"}, follow_redirects=False)
        assert header.status_code == 403, path
    assert admin.get("/").status_code == 200  # still signed in: nothing above logged out


def test_reviewers_cannot_open_administration(app, reviewer: TestClient):
    admin_routes = [(m, p) for m, p in routes(app) if p.startswith(ADMIN_PREFIX)]
    assert admin_routes
    token = csrf_of(reviewer.get("/").text)
    for method, path in admin_routes:
        data = {"csrf_token": token, "active": "0"} if method == "POST" else None
        response = reviewer.request(method, path, data=data, follow_redirects=False)
        assert response.status_code == 403, path


def test_security_headers_are_on_every_response(anonymous, admin):
    for client, path in (
        (anonymous, "/healthz"),
        (anonymous, "/login"),
        (admin, "/"),
        (admin, "/static/style.css"),
        (anonymous, "/no-such-page"),
    ):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "SAMEORIGIN", path


class _Forms(HTMLParser):
    """The POST forms of a page with their hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._current = {"_action": values.get("action", "")}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and values.get("type") == "hidden":
            self._current[values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def post_forms(html: str) -> list[dict[str, str]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def test_every_form_on_every_page_carries_the_token(admin: TestClient, site):
    mentee, _ = make_pair(site)
    application = site.applications()[2]
    draft = post_form(
        admin, f"/applications/{application.reference}/replies", {"kind": "receipt"}
    ).headers["location"]
    pages = [
        "/",
        "/matching",
        "/admin/users",
        f"/applications/{application.reference}",
        draft,
        f"/messages/{application.mail_message_id}",
    ]
    token = csrf_of(admin.get("/").text)
    seen = 0
    for page in pages:
        forms = post_forms(admin.get(page).text)
        assert forms, page
        for form in forms:
            assert form.get("csrf_token") == token, (page, form["_action"])
            seen += 1
    assert seen > 20
    assert mentee.reference in admin.get("/matching").text
