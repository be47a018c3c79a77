"""Signing in and out, session expiry, disabled accounts, guessing limits."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlmodel import select

from db.models import AuditEntry, StaffUser
from db.models_staff import LoginAttempt
from tests.web.conftest import PASSWORD, csrf_of, post_form, sign_in


def test_sign_in_sets_a_protected_cookie_and_leads_to_the_page_asked_for(anonymous, site):
    assert anonymous.get("/quarter", follow_redirects=False).headers["location"] == (
        "/login?next=/quarter"
    )
    token = csrf_of(anonymous.get("/login?next=/quarter").text)
    response = anonymous.post(
        "/login",
        data={
            "username": "reviewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/quarter",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/quarter"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert anonymous.get("/quarter").status_code == 200
    with site.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "signed_in")).one()
    assert entry.actor == "reviewer"


def test_wrong_password_and_unknown_user_are_refused_alike(anonymous):
    wrong = sign_in(anonymous, "reviewer", "not the password")
    unknown = sign_in(anonymous, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong user name or password" in wrong.text
    assert anonymous.get("/", follow_redirects=False).status_code == 303


def test_an_outside_redirect_after_sign_in_is_ignored(anonymous):
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post(
        "/login",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_five_failures_lock_the_user_name_for_that_address(anonymous, site):
    for _ in range(5):
        assert sign_in(anonymous, "admin", "guess").status_code == 401
    locked = sign_in(anonymous, "admin", PASSWORD)
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert sign_in(anonymous, "reviewer", PASSWORD).status_code == 303  # other names still work
    with site.session() as session:
        attempts = session.exec(select(LoginAttempt).where(LoginAttempt.username == "admin")).all()
    assert len(attempts) == 5  # a refused attempt while locked is not even checked


def test_sign_out_ends_the_session(admin: TestClient):
    response = post_form(admin, "/logout")
    assert response.status_code == 303
    assert admin.get("/", follow_redirects=False).status_code == 303


def test_a_session_expires_after_the_configured_minutes(admin: TestClient, monkeypatch, site):
    assert admin.get("/").status_code == 200
    later = time.time() + site.settings.web.session_minutes * 60 + 5
    monkeypatch.setattr("web.auth.time.time", lambda: later)
    assert admin.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_account_is_signed_out_at_once(admin: TestClient, reviewer: TestClient, site):
    with site.session() as session:
        user = session.exec(select(StaffUser).where(StaffUser.username == "reviewer")).one()
    response = post_form(admin, f"/admin/users/{user.id}/active", {"active": "0"})
    assert response.status_code == 303
    assert reviewer.get("/", follow_redirects=False).status_code == 303
    assert sign_in(reviewer, "reviewer").status_code == 401
    with site.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "disabled")).one()
    assert entry.actor == "admin" and entry.entity_id == user.id


def test_an_admin_cannot_disable_their_own_account(admin: TestClient, site):
    with site.session() as session:
        me = session.exec(select(StaffUser).where(StaffUser.username == "admin")).one()
    post_form(admin, f"/admin/users/{me.id}/active", {"active": "0"})
    assert "cannot disable your own account" in admin.get("/admin/users").text
    assert admin.get("/").status_code == 200


def test_a_successful_sign_in_forgives_earlier_failures(anonymous):
    for _ in range(4):
        sign_in(anonymous, "admin", "guess")
    assert sign_in(anonymous, "admin", PASSWORD).status_code == 303
    for _ in range(4):
        sign_in(anonymous, "admin", "guess")
    assert sign_in(anonymous, "admin", PASSWORD).status_code == 303


def test_many_failures_from_one_address_lock_every_name(anonymous):
    for number in range(30):
        assert sign_in(anonymous, f"someone-{number}", "guess").status_code == 401
    assert sign_in(anonymous, "reviewer", PASSWORD).status_code == 429


def test_behind_https_the_session_cookie_is_marked_secure(site):
    from web.server import create_app

    cookies = []
    for secure in (False, True):
        settings = site.settings.with_overrides(web={"secure_cookies": secure})
        with TestClient(create_app(settings, site.engine), base_url="https://testserver") as client:
            response = sign_in(client, "reviewer")
            assert response.status_code == 303
            cookies.append(response.headers["set-cookie"].lower())
    assert "secure" not in cookies[0] and "; secure" in cookies[1]
