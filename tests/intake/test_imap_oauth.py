"""Signing in to a real Dovecot with OAuth 2.0 (XOAUTH2): its oauth2 passdb asks the test's
token server whether a token is active, as Microsoft 365 and Gmail check theirs."""

from __future__ import annotations

import time

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from common.errors import MailboxError, OAuthError
from common.oauth import GoogleTokenProvider, MicrosoftTokenProvider, TokenProvider
from intake.sources.imap import ImapSource
from intake.worker import make_source
from tests.fixtures.oauth import CLIENT_ID, CLIENT_SECRET, google_settings
from tests.intake.memory_ledger import MemoryLedger
from tests.intake.messages import plain

pytestmark = pytest.mark.imap


def source_for(server, provider: TokenProvider) -> ImapSource:
    return ImapSource(
        host=server.host,
        port=server.port,
        security="none",
        username=server.user,
        password="",
        timeout=10,
        token_provider=provider,
    )


def google(server, tmp_path, **kwargs) -> GoogleTokenProvider:
    return GoogleTokenProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=server.state.new_refresh_token(),
        token_file=tmp_path / "oauth-token.json",
        token_url=server.token_url,
        timeout=10,
        **kwargs,
    )


def subjects(source: ImapSource) -> list[str]:
    ledger = MemoryLedger()
    found = []
    for message in source.fetch_new(ledger):
        ledger.take(message)
        found.append(message.raw.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].strip().decode())
    return found


def signs_in(server, token: str) -> bool:
    with IMAPClient(server.host, port=server.port, ssl=False, timeout=10) as client:
        try:
            client.oauth2_login(server.user, token)
        except LoginError:
            return False
        return True


def test_the_source_fetches_with_a_microsoft_client_credentials_token(oauth_dovecot, token_server):
    oauth_dovecot.append("INBOX", plain(subject="by microsoft", message_id="<ms@x>").as_bytes())
    provider = MicrosoftTokenProvider(
        authority=token_server.authority, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    source = source_for(oauth_dovecot, provider)
    assert subjects(source) == ["by microsoft"]
    source.close()
    assert token_server.state.grants == ["client_credentials"]
    assert token_server.state.introspections >= 1  # Dovecot asked the token server


def test_the_worker_source_signs_in_with_a_google_refresh_token_from_the_settings(
    oauth_dovecot, token_server, tmp_path, monkeypatch
):
    oauth_dovecot.append("INBOX", plain(subject="by google", message_id="<g@x>").as_bytes())
    monkeypatch.setenv("X_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("X_REFRESH", token_server.state.new_refresh_token())
    monkeypatch.delenv("MPP_IMAP_PASSWORD", raising=False)
    settings = google_settings(
        tmp_path,
        token_server,
        mailbox={
            "source": "imap",
            "auth": "oauth2",
            "host": oauth_dovecot.host,
            "port": oauth_dovecot.port,
            "security": "none",
            "username": oauth_dovecot.user,
        },
    )
    source = make_source(settings)
    assert isinstance(source, ImapSource)
    assert subjects(source) == ["by google"]
    source.close()


def test_a_reconnection_after_the_token_expired_signs_in_with_a_new_one(
    oauth_dovecot, token_server, tmp_path
):
    token_server.state.lifetime = 2  # far shorter than the provider's 300 s margin
    provider = google(token_server, tmp_path)
    source = source_for(oauth_dovecot, provider)
    assert subjects(source) == []
    (first,) = token_server.state.access
    time.sleep(2.2)
    assert not signs_in(oauth_dovecot, first)  # Dovecot refuses the expired token
    source.close()  # as after a dropped connection: the next poll signs in again
    oauth_dovecot.append("INBOX", plain(subject="later", message_id="<l@x>").as_bytes())
    assert subjects(source) == ["later"]
    source.close()
    assert token_server.state.grants == ["refresh_token", "refresh_token"]
    assert len(token_server.state.access) == 2


def test_a_revoked_refresh_token_stops_the_poll_with_what_to_do(
    oauth_dovecot, token_server, tmp_path
):
    provider = google(token_server, tmp_path, margin=0)
    (refresh_token,) = token_server.state.refresh
    token_server.state.revoke(refresh_token)
    source = source_for(oauth_dovecot, provider)
    with pytest.raises(OAuthError, match=r"revoked or has expired.*sign in .* again"):
        subjects(source)
    source.close()


def test_a_token_the_server_does_not_know_is_refused(oauth_dovecot, token_server):
    class Forged:
        def access_token(self) -> str:
            return "at-forged"

    source = source_for(oauth_dovecot, Forged())
    with pytest.raises(MailboxError, match="sign-in failed"):
        subjects(source)
