"""OAuth 2.0 token providers against a real token endpoint on loopback (tests/fixtures/oauth)."""

from __future__ import annotations

import json
import stat
import threading

import pytest

from common.errors import ConfigError, OAuthError
from common.oauth import GoogleTokenProvider, MicrosoftTokenProvider, make_token_provider
from common.settings import Settings
from tests.fixtures.oauth import CLIENT_ID, CLIENT_SECRET


def microsoft(
    server, *, secret: str = CLIENT_SECRET, margin: float = 300
) -> MicrosoftTokenProvider:
    return MicrosoftTokenProvider(
        authority=server.authority,
        client_id=CLIENT_ID,
        client_secret=secret,
        margin=margin,
        timeout=10,
    )


def google(server, tmp_path, refresh_token: str, *, margin: float = 300) -> GoogleTokenProvider:
    return GoogleTokenProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=refresh_token,
        token_file=tmp_path / "state" / "oauth-token.json",
        token_url=server.token_url,
        margin=margin,
        timeout=10,
    )


def test_microsoft_client_credentials_token_is_kept_until_near_expiry(token_server):
    provider = microsoft(token_server)
    first = provider.access_token()
    assert token_server.state.is_active(first)
    assert provider.access_token() == first
    assert token_server.state.grants == ["client_credentials"]


def test_a_token_living_less_than_the_margin_is_replaced_before_use(token_server):
    token_server.state.lifetime = 60  # shorter than the 300 s margin (and MSAL's own 5 min)
    provider = microsoft(token_server)
    first, second = provider.access_token(), provider.access_token()
    assert first != second
    assert token_server.state.grants == ["client_credentials"] * 2


def test_a_rejected_microsoft_client_is_a_clear_error_without_the_secret(token_server):
    with pytest.raises(OAuthError, match="rejected the client") as caught:
        microsoft(token_server, secret="wrong-secret").access_token()
    assert "client_secret_env" in str(caught.value)
    assert "wrong-secret" not in str(caught.value)


def test_concurrent_callers_share_one_token(token_server):
    provider = microsoft(token_server)
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(provider.access_token())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1 and len(tokens) == 8
    assert token_server.state.grants == ["client_credentials"]


def test_a_rotated_refresh_token_is_saved_at_once_and_used_next(token_server, tmp_path):
    initial = token_server.state.new_refresh_token()
    provider = google(token_server, tmp_path, initial, margin=0)
    token_server.state.lifetime = 0  # every access token is already due
    provider.access_token()
    saved = json.loads(provider.token_file.read_text())["refresh_token"]
    assert saved != initial
    assert stat.S_IMODE(provider.token_file.stat().st_mode) == 0o600
    assert initial not in token_server.state.refresh  # the old one is dead at the server
    provider.access_token()  # works only with the saved token
    assert token_server.state.grants == ["refresh_token"] * 2
    # a restarted worker (a new provider, same environment) goes on from the file
    restarted = google(token_server, tmp_path, initial)
    assert restarted.refresh_token() == json.loads(provider.token_file.read_text())["refresh_token"]
    restarted.access_token()


def test_a_rotated_token_the_file_cannot_take_is_kept_in_memory_and_logged(
    token_server, tmp_path, caplog
):
    (tmp_path / "state").write_text("a file where the folder should be")
    provider = google(token_server, tmp_path, token_server.state.new_refresh_token(), margin=0)
    token_server.state.lifetime = 0
    provider.access_token()
    assert "cannot save the new refresh token" in caplog.text
    provider.access_token()  # goes on with the rotated token it kept
    assert token_server.state.grants == ["refresh_token"] * 2
    assert not any(token in caplog.text for token in token_server.state.refresh)


def test_a_new_refresh_token_in_the_environment_wins_over_the_file(token_server, tmp_path):
    google(token_server, tmp_path, token_server.state.new_refresh_token()).access_token()
    fresh = token_server.state.new_refresh_token()  # the operator signed in again
    assert google(token_server, tmp_path, fresh).refresh_token() == fresh


def test_a_revoked_refresh_token_says_to_sign_in_again(token_server, tmp_path):
    revoked = token_server.state.new_refresh_token()
    token_server.state.revoke(revoked)
    with pytest.raises(OAuthError, match="revoked or has expired") as caught:
        google(token_server, tmp_path, revoked).access_token()
    assert "MPP_OAUTH_REFRESH_TOKEN" in str(caught.value)
    assert revoked not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_an_unreachable_token_endpoint_is_an_oauth_error(tmp_path):
    provider = GoogleTokenProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token="rt",
        token_file=tmp_path / "t.json",
        token_url="http://127.0.0.1:9/token",
        timeout=2,
    )
    with pytest.raises(OAuthError, match="cannot reach"):
        provider.access_token()


def oauth_settings(tmp_path, **oauth: object) -> Settings:
    return Settings().with_overrides(
        mailbox={"source": "imap", "auth": "oauth2"},
        storage={"path": str(tmp_path / "data")},
        oauth={"client_id": CLIENT_ID, "client_secret_env": "X_OAUTH_SECRET", **oauth},
    )


def test_make_token_provider_follows_the_settings(token_server, tmp_path, monkeypatch):
    assert make_token_provider(Settings()) is None
    monkeypatch.setenv("X_OAUTH_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("MPP_OAUTH_REFRESH_TOKEN", token_server.state.new_refresh_token())
    settings = oauth_settings(tmp_path, provider="google", token_url=token_server.token_url)
    provider = make_token_provider(settings)
    assert isinstance(provider, GoogleTokenProvider)
    assert provider.token_file == tmp_path / "data" / "oauth-token.json"
    assert make_token_provider(settings) is provider  # IMAP, IDLE watcher and SMTP share it
    assert token_server.state.is_active(provider.access_token())
    microsoft_settings = oauth_settings(tmp_path, authority=token_server.authority)
    assert token_server.state.is_active(make_token_provider(microsoft_settings).access_token())


def test_missing_oauth_settings_are_named(tmp_path, monkeypatch):
    monkeypatch.delenv("X_OAUTH_SECRET", raising=False)
    with pytest.raises(ConfigError, match="X_OAUTH_SECRET"):
        make_token_provider(oauth_settings(tmp_path, authority="https://x.example/t"))
    monkeypatch.setenv("X_OAUTH_SECRET", "s")
    with pytest.raises(ConfigError, match="authority"):
        make_token_provider(oauth_settings(tmp_path, client_id="other"))


def test_no_password_is_needed_when_signing_in_with_oauth(monkeypatch):
    monkeypatch.delenv("MPP_IMAP_PASSWORD", raising=False)
    monkeypatch.delenv("MPP_SMTP_PASSWORD", raising=False)
    settings = Settings().with_overrides(
        mailbox={"source": "imap", "auth": "oauth2"},
        notifications={"smtp_username": "ipb@opcw.org", "smtp_auth": "oauth2"},
    )
    assert settings.mailbox.password() == ""
    assert settings.notifications.smtp_password() == ""
