"""SMTP sign-in with OAuth 2.0 (AUTH XOAUTH2) against aiosmtpd, whose XOAUTH2 mechanism asks
the test's token server whether the token is active (tests/fixtures/oauth.py)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from common.errors import PermanentDeliveryError, TemporaryDeliveryError
from common.oauth import GoogleTokenProvider, MicrosoftTokenProvider, TokenProvider
from common.settings import Settings
from notifications.delivery import make_transport
from notifications.transport import SmtpTransport
from tests.fixtures.oauth import CLIENT_ID, CLIENT_SECRET

USER = "ipb@opcw.org"

# loopback tests: XOAUTH2 without TLS is what they are about
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def reply() -> EmailMessage:
    message = EmailMessage()
    message["From"] = USER
    message["To"] = "na@example.org"
    message["Subject"] = "Your application MPP-2025-0001"
    message["Message-ID"] = "<mpp-ack-oauth@opcw.org>"
    message.set_content("Thank you.")
    return message


def transport(server, provider: TokenProvider) -> SmtpTransport:
    return SmtpTransport(
        host=server.host,
        port=server.port,
        security="none",
        username=USER,
        password="",
        timeout=10,
        token_provider=provider,
    )


def microsoft(token_server) -> MicrosoftTokenProvider:
    return MicrosoftTokenProvider(
        authority=token_server.authority, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


def send(smtp: SmtpTransport) -> None:
    smtp.send(reply(), envelope_from=USER, recipients=["na@example.org"])


def test_a_reply_is_delivered_after_signing_in_with_a_token(oauth_smtp_server, token_server):
    token_server.state.user = USER
    send(transport(oauth_smtp_server, microsoft(token_server)))
    (received,) = oauth_smtp_server.messages
    assert received.message["Message-ID"] == "<mpp-ack-oauth@opcw.org>"
    assert oauth_smtp_server.signed_in == [USER]


def test_a_revoked_access_token_is_refused_and_the_reply_waits(oauth_smtp_server, token_server):
    token_server.state.user = USER
    provider = microsoft(token_server)
    token_server.state.revoke(provider.access_token())  # revoked while still in our cache
    with pytest.raises(TemporaryDeliveryError, match=r"refused the OAuth 2\.0 token.*535"):
        send(transport(oauth_smtp_server, provider))
    assert oauth_smtp_server.messages == []


def test_a_revoked_refresh_token_is_a_temporary_failure_saying_what_to_do(
    oauth_smtp_server, token_server, tmp_path
):
    revoked = token_server.state.new_refresh_token()
    token_server.state.revoke(revoked)
    provider = GoogleTokenProvider(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=revoked,
        token_file=tmp_path / "oauth-token.json",
        token_url=token_server.token_url,
    )
    with pytest.raises(TemporaryDeliveryError, match="revoked or has expired"):
        send(transport(oauth_smtp_server, provider))
    assert oauth_smtp_server.messages == []


def test_the_test_server_refuses_a_reply_without_a_sign_in(oauth_smtp_server):
    plain = SmtpTransport(
        host=oauth_smtp_server.host,
        port=oauth_smtp_server.port,
        security="none",
        username="",
        password="",
        timeout=10,
    )
    with pytest.raises(PermanentDeliveryError, match="530"):  # authentication required
        send(plain)


def test_make_transport_signs_in_with_oauth_when_configured(
    oauth_smtp_server, token_server, monkeypatch, tmp_path
):
    token_server.state.user = USER
    monkeypatch.setenv("X_SECRET", CLIENT_SECRET)
    monkeypatch.delenv("MPP_SMTP_PASSWORD", raising=False)
    settings = Settings().with_overrides(
        notifications={
            "transport": "smtp",
            "smtp_host": oauth_smtp_server.host,
            "smtp_port": oauth_smtp_server.port,
            "smtp_security": "none",
            "smtp_username": USER,
            "smtp_auth": "oauth2",
        },
        oauth={
            "authority": token_server.authority,
            "client_id": CLIENT_ID,
            "client_secret_env": "X_SECRET",
        },
        storage={"path": str(tmp_path)},
    )
    send(make_transport(settings))
    assert len(oauth_smtp_server.messages) == 1
