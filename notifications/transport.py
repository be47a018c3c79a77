"""Delivering one built reply: by SMTP, or as an .eml file (the embedded default)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from common.errors import OAuthError, PermanentDeliveryError, TemporaryDeliveryError
from common.oauth import TokenProvider, xoauth2_string
from intake.storage import write_atomically
from notifications.message import to_wire

Security = Literal["ssl", "starttls", "none"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")
IDLE_CHECK_SECONDS = 5.0  # a connection unused this long is checked with NOOP before a reply


class SmtpTransport:
    """smtplib with SSL or STARTTLS and optional sign-in; 4xx is temporary, 5xx permanent.

    One connection serves the replies of a delivery round, back to back, and ``close`` ends
    it. A connection left unused for a while is checked with NOOP before the next reply, and
    opened again if the server has closed it; any failure drops it.

    With a token provider it signs in with OAuth 2.0 (AUTH XOAUTH2). A token that cannot be
    had, or that the server refuses, is a temporary failure: it is mpp's sign-in that is
    wrong, not the reply, which waits until an operator fixes it.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: Security,
        username: str,
        password: str,
        timeout: float = 30.0,
        token_provider: TokenProvider | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self.token_provider = token_provider
        self._client: smtplib.SMTP | None = None
        self._last_used = 0.0  # time.monotonic() of the last reply on the connection

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(context=ssl.create_default_context())
        try:
            if self.token_provider is not None:
                self._oauth2_login(client, self.token_provider)
            elif self.username:
                client.login(self.username, self.password)
        except BaseException:
            client.close()
            raise
        return client

    def _session(self) -> smtplib.SMTP:
        """The open connection, or a new one when there is none or the server closed it."""
        client = self._client
        if client is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            try:
                alive = client.noop()[0] == 250
            except (OSError, smtplib.SMTPException):
                alive = False
            if not alive:
                self.close()
                client = None
        if client is None:
            client = self._client = self._connect()
        return client

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: list[str]) -> None:
        try:
            try:
                refused = self._session().sendmail(envelope_from, recipients, to_wire(message))
            except BaseException:
                self.close()  # whatever went wrong, the connection is not used again
                raise
        except smtplib.SMTPRecipientsRefused as exc:
            raise _classify(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            kind = PermanentDeliveryError if 500 <= exc.smtp_code < 600 else TemporaryDeliveryError
            raise kind(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            raise TemporaryDeliveryError(f"SMTP server unreachable: {exc}") from exc
        self._last_used = time.monotonic()
        if refused:
            raise _classify(refused)

    def close(self) -> None:
        """End the connection (QUIT), if one is open."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()

    def _oauth2_login(self, client: smtplib.SMTP, provider: TokenProvider) -> None:
        try:
            initial = xoauth2_string(self.username, provider.access_token())
        except OAuthError as exc:
            raise TemporaryDeliveryError(f"SMTP sign-in: {exc}") from None
        client.ehlo_or_helo_if_needed()
        try:
            # A 334 challenge carries the server's JSON error; the answer is an empty line.
            client.auth(
                "XOAUTH2",
                lambda challenge=None: initial if challenge is None else "",
                initial_response_ok=True,
            )
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryDeliveryError(
                f"SMTP server refused the OAuth 2.0 token for {self.username!r}: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _classify(refused: dict[str, tuple[int, bytes]]) -> Exception:
    codes = [code for code, _ in refused.values()]
    detail = "; ".join(f"{rcpt}: {code} {_text(text)}" for rcpt, (code, text) in refused.items())
    if codes and all(500 <= code < 600 for code in codes):
        return PermanentDeliveryError(f"recipients refused: {detail}")
    return TemporaryDeliveryError(f"recipients refused: {detail}")


class FileTransport:
    """Writes each reply as ``<Message-ID>.eml`` in a folder; the same reply twice is one file."""

    def __init__(self, outbox_dir: str | os.PathLike[str]) -> None:
        self.folder = Path(outbox_dir)

    def path_for(self, message: EmailMessage) -> Path:
        name = _UNSAFE.sub("_", str(message["Message-ID"] or "").strip("<> ")) or "reply"
        return self.folder / f"{name[:200]}.eml"

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: list[str]) -> None:
        target = self.path_for(message)
        try:
            write_atomically(target, to_wire(message))
        except OSError as exc:
            raise TemporaryDeliveryError(f"could not write {target}: {exc}") from exc

    def close(self) -> None:
        return None
