"""Doctor checks of the mail servers: the IMAP mailbox and the SMTP server. Nothing is sent,
read or moved: the checks sign in, look at the folders and leave."""

from __future__ import annotations

import contextlib
import imaplib
import os
import smtplib
import socket
import ssl
from pathlib import Path

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from common.errors import MppError
from common.oauth import make_token_provider, xoauth2_string
from common.settings import MailboxSettings, NotificationSettings, Settings
from ops.check_result import Check, fail, first_line, ok, warn
from ops.checks_local import check_folder

TIMEOUT = 10.0
_NETWORK = (OSError, socket.timeout, ssl.SSLError, EOFError)


def check_mailbox(settings: Settings) -> list[Check]:
    cfg = settings.mailbox
    if cfg.source == "maildir":
        return [check_folder("maildir", Path(cfg.path), create_hint="the worker creates it")]
    password: str | Check = os.environ.get(cfg.password_env, "")
    if cfg.auth == "oauth2":
        password = _oauth_token(settings, "imap")
    if isinstance(password, Check):
        return [password]
    if not password:
        return [
            fail(
                "imap",
                f"the environment variable {cfg.password_env} (the IMAP password) is not set",
                f"set {cfg.password_env} for the mpp service (its EnvironmentFile)",
            )
        ]
    where = f"{cfg.host}:{cfg.port} ({cfg.security})"
    try:
        client = _imap_connect(cfg)
    except (*_NETWORK, IMAPClientError, imaplib.IMAP4.error) as exc:
        return [
            fail(
                "imap",
                f"cannot connect to {where}: {first_line(exc)}",
                "check [mailbox] host, port and security, and that the server is up and "
                "reachable from this machine",
            )
        ]
    try:
        return _imap_session(client, cfg, password, where)
    finally:
        with contextlib.suppress(*_NETWORK, IMAPClientError, imaplib.IMAP4.error):
            client.logout()


def _imap_connect(cfg: MailboxSettings) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        cfg.host,
        port=cfg.port,
        ssl=cfg.security == "ssl",
        ssl_context=context,
        timeout=min(cfg.timeout_seconds, TIMEOUT),
    )
    if cfg.security == "starttls":
        client.starttls(context)
    return client


def _imap_session(
    client: IMAPClient, cfg: MailboxSettings, password: str, where: str
) -> list[Check]:
    try:
        if cfg.auth == "oauth2":
            client.oauth2_login(cfg.username, password)
        else:
            client.login(cfg.username, password)
    except (LoginError, imaplib.IMAP4.error) as exc:
        secret = (
            "that the OAuth app may open this mailbox"
            if cfg.auth == "oauth2"
            else f"the password in ${cfg.password_env}"
        )
        return [
            fail(
                "imap",
                f"sign-in refused at {where} for {cfg.username!r}: {first_line(exc)}",
                f"check [mailbox] username and {secret}",
            )
        ]
    except (*_NETWORK, IMAPClientError) as exc:
        return [fail("imap", f"sign-in at {where} failed: {first_line(exc)}")]
    checks = [ok("imap", f"signed in to {where} as {cfg.username}")]
    try:
        checks += _imap_folders(client, cfg)
    except (*_NETWORK, IMAPClientError, imaplib.IMAP4.error) as exc:
        checks.append(fail("imap folders", f"cannot list the folders: {first_line(exc)}"))
    return checks


def _imap_folders(client: IMAPClient, cfg: MailboxSettings) -> list[Check]:
    checks: list[Check] = []
    if client.folder_exists(cfg.folder):
        count = client.folder_status(cfg.folder, [b"MESSAGES"]).get(b"MESSAGES", "?")
        checks.append(ok("imap folder", f"{cfg.folder!r} exists ({count} messages)"))
    else:
        checks.append(
            fail(
                "imap folder",
                f"the polled folder {cfg.folder!r} does not exist",
                "set [mailbox] folder to an existing folder (often INBOX)",
            )
        )
    for key, name in (
        ("processed_folder", cfg.processed_folder),
        ("attention_folder", cfg.attention_folder),
    ):
        if client.folder_exists(name):
            checks.append(ok("imap folder", f"{name!r} exists"))
        else:
            checks.append(
                warn(
                    "imap folder",
                    f"{name!r} ([mailbox] {key}) does not exist; the worker creates it at "
                    "the first move",
                    f"create {name!r} now if this account may not create folders",
                )
            )
    return checks


def check_smtp(settings: Settings) -> list[Check]:
    cfg = settings.notifications
    if cfg.transport == "file":
        return [
            check_folder("outbox", Path(cfg.outbox_dir), create_hint="it is created when needed")
        ]
    where = f"{cfg.smtp_host}:{cfg.smtp_port} ({cfg.smtp_security})"
    password: str | Check = os.environ.get(cfg.smtp_password_env, "")
    if cfg.smtp_auth == "oauth2":
        password = _oauth_token(settings, "smtp")
    if isinstance(password, Check):
        return [password]
    if cfg.smtp_username and not password:
        return [
            fail(
                "smtp",
                f"the environment variable {cfg.smtp_password_env} (the SMTP password) is not set",
                f"set {cfg.smtp_password_env} for the mpp service (its EnvironmentFile)",
            )
        ]
    try:
        detail = _smtp_session(cfg, password)
    except smtplib.SMTPAuthenticationError as exc:
        return [
            fail(
                "smtp",
                f"sign-in refused at {where} for {cfg.smtp_username!r}: {exc.smtp_code}",
                "check smtp_username and that the OAuth app may send as this mailbox"
                if cfg.smtp_auth == "oauth2"
                else f"check smtp_username and the password in ${cfg.smtp_password_env}",
            )
        ]
    except (smtplib.SMTPException, *_NETWORK) as exc:
        return [
            fail(
                "smtp",
                f"cannot use the SMTP server at {where}: {first_line(exc)}",
                "check [notifications] smtp_host, smtp_port and smtp_security, and that the "
                "server is up and reachable",
            )
        ]
    return [ok("smtp", f"{where}: {detail}; nothing was sent")]


def _smtp_session(cfg: NotificationSettings, password: str) -> str:
    context = ssl.create_default_context()
    timeout = min(cfg.smtp_timeout_seconds, TIMEOUT)
    client: smtplib.SMTP
    if cfg.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(cfg.smtp_host, cfg.smtp_port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=timeout)
    with client:
        client.ehlo()
        steps = ["EHLO"]
        if cfg.smtp_security == "starttls":
            client.starttls(context=context)
            client.ehlo()
            steps.append("STARTTLS")
        if cfg.smtp_auth == "oauth2":
            initial = xoauth2_string(cfg.smtp_username, password)
            client.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")
            steps.append(f"signed in with OAuth 2.0 as {cfg.smtp_username}")
        elif cfg.smtp_username:
            client.login(cfg.smtp_username, password)
            steps.append(f"signed in as {cfg.smtp_username}")
        client.noop()
    return ", ".join(steps)


def _oauth_token(settings: Settings, name: str) -> str | Check:
    """An access token from [oauth], or the FAIL saying why there is none."""
    try:
        provider = make_token_provider(settings)
        assert provider is not None
        return provider.access_token()
    except MppError as exc:
        return fail(name, f"no OAuth 2.0 access token: {first_line(exc)}", "see [oauth]")
