"""OAuth 2.0 access tokens for signing in to IMAP and SMTP (XOAUTH2) without a password.

Two flows: Microsoft 365 with the client-credentials grant (MSAL), and Google with a refresh
token. A provider hands out a token that is valid for at least ``margin`` more seconds, asks
the token endpoint for a new one only when needed, and is safe to share between threads (the
worker's IDLE watcher holds a second IMAP connection). Tokens and secrets are never logged
and never put into an error message.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import requests

from common.errors import ConfigError, OAuthError

if TYPE_CHECKING:
    from common.settings import Settings

log = logging.getLogger("mpp.oauth")

MICROSOFT_SCOPES = ["https://outlook.office365.com/.default"]
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"


@runtime_checkable
class TokenProvider(Protocol):
    def access_token(self) -> str:
        """A bearer token valid for at least the provider's margin; raises ``OAuthError``."""
        ...


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


_shared: dict[str, TokenProvider] = {}
_shared_lock = threading.Lock()


def make_token_provider(settings: Settings) -> TokenProvider | None:
    """The provider of ``[oauth]`` when IMAP or SMTP signs in with OAuth 2.0, else None.

    One provider per configuration in a process: the mailbox and SMTP share its token, and a
    rotated Google refresh token is used by one provider only.
    """
    if settings.mailbox.auth != "oauth2" and settings.notifications.smtp_auth != "oauth2":
        return None
    cfg = settings.oauth
    token_file = cfg.token_file or str(Path(settings.storage.path) / "oauth-token.json")
    key = cfg.model_dump_json() + token_file
    with _shared_lock:
        if key not in _shared:
            _shared[key] = _build(settings, token_file)
        return _shared[key]


def _build(settings: Settings, token_file: str) -> TokenProvider:
    cfg = settings.oauth
    if not cfg.client_id:
        raise ConfigError("[oauth] client_id is empty: set the application (client) id")
    secret = cfg.client_secret()
    if cfg.provider == "microsoft":
        if not cfg.authority:
            raise ConfigError(
                "[oauth] authority is empty: set https://login.microsoftonline.com/<tenant id>"
            )
        return MicrosoftTokenProvider(
            authority=cfg.authority,
            client_id=cfg.client_id,
            client_secret=secret,
            scopes=cfg.scopes or None,
            margin=cfg.refresh_margin_seconds,
            timeout=cfg.timeout_seconds,
        )
    return GoogleTokenProvider(
        client_id=cfg.client_id,
        client_secret=secret,
        refresh_token=os.environ.get(cfg.refresh_token_env, ""),
        refresh_token_env=cfg.refresh_token_env,
        token_file=token_file,
        token_url=cfg.token_url,
        margin=cfg.refresh_margin_seconds,
        timeout=cfg.timeout_seconds,
    )


class CachedToken:
    """Keeps the last token and fetches a new one under a lock when it is about to expire."""

    def __init__(self, fetch: Callable[[], tuple[str, float]], *, margin: float) -> None:
        self._fetch, self.margin = fetch, margin
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0  # time.monotonic()

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - self.margin:
                token, lifetime = self._fetch()
                self._token, self._expires_at = token, time.monotonic() + lifetime
                log.info("new OAuth 2.0 access token, valid for %d s", lifetime)
            return self._token


class MicrosoftTokenProvider(CachedToken):
    """Microsoft 365 (Entra ID), client-credentials grant: the app's own token for the mailbox.

    ``authority`` is ``https://login.microsoftonline.com/<tenant id>`` (or any https authority
    that serves ``<authority>/v2.0/.well-known/openid-configuration``). MSAL accepts only https;
    a private CA is trusted the way requests does it, through ``REQUESTS_CA_BUNDLE`` (which
    overrides MSAL's own ``verify`` argument anyway).
    """

    def __init__(
        self,
        *,
        authority: str,
        client_id: str,
        client_secret: str,
        scopes: list[str] | None = None,
        margin: float = 300.0,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(self._acquire, margin=margin)
        self.authority, self.client_id = authority, client_id
        self._secret, self.scopes = client_secret, scopes or MICROSOFT_SCOPES
        self.timeout = timeout
        self._app: Any = None

    def _application(self) -> Any:
        if self._app is None:
            import msal

            # The authority is the operator's choice: no instance discovery at Microsoft
            # (MSAL skips it for Microsoft's own hosts anyway).
            self._app = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self._secret,
                authority=self.authority,
                instance_discovery=False,
                timeout=self.timeout,
            )
        return self._app

    def _acquire(self) -> tuple[str, float]:
        try:
            result = self._application().acquire_token_for_client(scopes=self.scopes)
        except (requests.RequestException, ValueError, OSError) as exc:
            raise OAuthError(
                f"cannot reach the Microsoft authority {self.authority}: {_short(exc)}; "
                "check [oauth] authority and the network"
            ) from None
        if "access_token" not in result:
            raise OAuthError(_microsoft_refusal(result, self.client_id))
        return str(result["access_token"]), float(result.get("expires_in", 3600))


def _microsoft_refusal(result: dict[str, Any], client_id: str) -> str:
    error = str(result.get("error", "unknown_error"))
    description = str(result.get("error_description", "")).splitlines()[0:1]
    said = f" ({description[0][:200]})" if description else ""
    if error in ("invalid_client", "unauthorized_client"):
        return (
            f"Microsoft rejected the client {client_id!r}: {error}{said}; check [oauth] "
            "client_id and the secret in the variable named by client_secret_env (it may "
            "have expired: make a new one in the app registration)"
        )
    return f"Microsoft gave no access token: {error}{said}; check [oauth] authority and scopes"


class GoogleTokenProvider(CachedToken):
    """Google (Gmail), refresh-token grant. The refresh token comes from the environment the
    first time; when Google sends a new one (rotation) it is saved at once to ``token_file``
    (mode 0600), which wins from then on, until the environment holds a different token."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_file: str | os.PathLike[str],
        token_url: str = GOOGLE_TOKEN_URL,
        refresh_token_env: str = "MPP_OAUTH_REFRESH_TOKEN",
        margin: float = 300.0,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(self._refresh, margin=margin)
        self.client_id, self._secret = client_id, client_secret
        self._initial, self.token_file = refresh_token, Path(token_file)
        self.token_url, self.refresh_token_env, self.timeout = token_url, refresh_token_env, timeout
        self._unsaved: str | None = None  # a rotated token the file could not take

    def refresh_token(self) -> str:
        """The saved refresh token when it descends from the one in the environment; else
        the environment's (an operator who signed in again only changes the variable)."""
        if self._unsaved:
            return self._unsaved
        try:
            saved = json.loads(self.token_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            saved = {}
        except (OSError, ValueError) as exc:
            raise OAuthError(f"cannot read the token file {self.token_file}: {exc}") from None
        if saved.get("seed") == _fingerprint(self._initial) and saved.get("refresh_token"):
            return str(saved["refresh_token"])
        if not self._initial:
            raise OAuthError(
                f"no refresh token: set {self.refresh_token_env} to the refresh token of the "
                "mailbox account"
            )
        return self._initial

    def save(self, refresh_token: str) -> None:
        """Atomically: a crash leaves the old file or the new one, never half of one."""
        data = {"refresh_token": refresh_token, "seed": _fingerprint(self._initial)}
        tmp = ""
        try:
            self.token_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.token_file.parent, prefix=".oauth-")
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.token_file)
        except OSError as exc:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise OAuthError(
                f"cannot save the new refresh token to {self.token_file}: {exc}; it is kept "
                "in memory until mpp stops (the old one is no longer valid): make the file "
                f"writable for mpp, or else sign in again and set {self.refresh_token_env}"
            ) from None

    def _refresh(self) -> tuple[str, float]:
        form = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self._secret,
            "refresh_token": self.refresh_token(),
        }
        try:
            response = requests.post(self.token_url, data=form, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OAuthError(
                f"cannot reach the token endpoint {self.token_url}: {_short(exc)}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise OAuthError(self._refusal(response.status_code, body))
        if body.get("refresh_token"):
            self._keep(str(body["refresh_token"]))
        return str(body["access_token"]), float(body.get("expires_in", 3600))

    def _keep(self, rotated: str) -> None:
        """Save a rotated refresh token at once; if the file cannot take it, keep it here
        (this process goes on working) and say so loudly."""
        try:
            self.save(rotated)
            self._unsaved = None
        except OAuthError as exc:
            self._unsaved = rotated
            log.error("%s", exc)

    def _refusal(self, status: int, body: Any) -> str:
        error = str(body.get("error", "")) if isinstance(body, dict) else ""
        if error == "invalid_grant":
            return (
                "the refresh token was revoked or has expired: sign in to the mailbox account "
                f"again (consent), and set {self.refresh_token_env} to the new refresh token"
            )
        if status == 401 or error in ("invalid_client", "unauthorized_client"):
            return (
                f"the token endpoint rejected the client {self.client_id!r} ({error or status}): "
                "check [oauth] client_id and the secret in the variable named by "
                "client_secret_env"
            )
        return f"the token endpoint {self.token_url} answered {status} {error}".rstrip()


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _short(exc: BaseException) -> str:
    """The error's kind and first line; URLs in it carry no secret (form data is not shown)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
