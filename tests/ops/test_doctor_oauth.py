"""``mpp doctor`` signs in with OAuth 2.0 where the settings say so, as the worker does."""

from __future__ import annotations

import pytest

from ops.checks_mail import check_mailbox, check_smtp
from tests.fixtures.oauth import CLIENT_SECRET, google_settings

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def oauth_env(token_server, monkeypatch):
    monkeypatch.setenv("X_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("X_REFRESH", token_server.state.new_refresh_token())
    monkeypatch.delenv("MPP_IMAP_PASSWORD", raising=False)
    monkeypatch.delenv("MPP_SMTP_PASSWORD", raising=False)


@pytest.mark.imap
def test_the_imap_check_signs_in_with_a_token(tmp_path, oauth_dovecot, token_server, oauth_env):
    mailbox = {
        "source": "imap",
        "auth": "oauth2",
        "host": oauth_dovecot.host,
        "port": oauth_dovecot.port,
        "security": "none",
        "username": oauth_dovecot.user,
    }
    checks = check_mailbox(google_settings(tmp_path, token_server, mailbox=mailbox))
    assert checks[0].level == "OK" and "signed in" in checks[0].detail


def test_the_smtp_check_signs_in_with_a_token(tmp_path, oauth_smtp_server, token_server, oauth_env):
    notifications = {
        "transport": "smtp",
        "smtp_host": oauth_smtp_server.host,
        "smtp_port": oauth_smtp_server.port,
        "smtp_security": "none",
        "smtp_username": token_server.state.user,
        "smtp_auth": "oauth2",
    }
    (check,) = check_smtp(google_settings(tmp_path, token_server, notifications=notifications))
    assert check.level == "OK" and "OAuth 2.0" in check.detail
    assert oauth_smtp_server.messages == []


def test_a_revoked_refresh_token_fails_the_check_with_what_to_do(
    tmp_path, token_server, oauth_env, monkeypatch
):
    revoked = token_server.state.new_refresh_token()
    token_server.state.revoke(revoked)
    monkeypatch.setenv("X_REFRESH", revoked)
    mailbox = {"source": "imap", "auth": "oauth2"}
    (check,) = check_mailbox(google_settings(tmp_path, token_server, mailbox=mailbox))
    assert check.level == "FAIL"
    assert "revoked" in check.detail and "X_REFRESH" in check.detail
    assert revoked not in check.line()
