"""One typed settings object, loaded from TOML; secrets come from environment variables.

Every key of ``config.example.toml`` is a field here with the same default. Unknown keys,
wrong types and a missing file fail at start-up with a message that names the key.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from common.errors import ConfigError

Severity = Literal["error", "warning", "info"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    url: str = "sqlite:///mpp.db"
    echo: bool = False


class MailboxSettings(Section):
    source: Literal["maildir", "imap"] = "maildir"
    path: str = "mail/inbox"
    host: str = "localhost"
    port: int = 993
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str = ""
    auth: Literal["password", "oauth2"] = "password"
    password_env: str = "MPP_IMAP_PASSWORD"
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    attention_folder: str = "Needs attention"
    batch_size: int = Field(default=50, ge=1, le=1000)
    timeout_seconds: float = Field(default=60.0, gt=0)
    claim_lease_seconds: int = Field(default=600, ge=1)
    idle: bool = True

    def password(self) -> str:
        required = self.source == "imap" and self.auth == "password"
        return _secret(self.password_env, required=required)


class NotificationSettings(Section):
    transport: Literal["file", "smtp"] = "file"
    outbox_dir: str = "outbox"
    from_address: str = "ipb@opcw.org"
    from_name: str = "OPCW Mentorship/Partnership Programme"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_security: Literal["ssl", "starttls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_auth: Literal["password", "oauth2"] = "password"
    smtp_password_env: str = "MPP_SMTP_PASSWORD"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    template_dir: str = ""
    send_receipt: bool = True
    max_replies_per_sender_per_day: int = Field(default=3, ge=0)
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=60.0, ge=0)
    retry_max_seconds: float = Field(default=3600.0, ge=0)
    send_lease_seconds: int = Field(default=300, ge=1)

    def smtp_password(self) -> str:
        required = bool(self.smtp_username) and self.smtp_auth == "password"
        return _secret(self.smtp_password_env, required=required)


class OAuthSettings(Section):
    """Used where ``[mailbox] auth`` or ``[notifications] smtp_auth`` is "oauth2"."""

    provider: Literal["microsoft", "google"] = "microsoft"
    authority: str = ""
    client_id: str = ""
    client_secret_env: str = "MPP_OAUTH_CLIENT_SECRET"
    refresh_token_env: str = "MPP_OAUTH_REFRESH_TOKEN"
    token_file: str = ""
    token_url: str = "https://oauth2.googleapis.com/token"
    scopes: list[str] = []
    refresh_margin_seconds: float = Field(default=300.0, ge=0)
    timeout_seconds: float = Field(default=30.0, gt=0)

    def client_secret(self) -> str:
        return _secret(self.client_secret_env, required=True, what="the OAuth client secret")


class StorageSettings(Section):
    path: str = "data"


class ProgrammeSettings(Section):
    timezone: str = "Europe/Amsterdam"
    officer_address: str = "solomon.haile@opcw.org"
    start: date = date(2025, 1, 1)
    end: date = date(2027, 12, 31)
    reference_prefix: str = "MPP"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class RulesSettings(Section):
    disabled: list[str] = []
    severity: dict[str, Severity] = {}
    reapply_after_years: int = Field(default=4, ge=0)
    justification_min_words: int = Field(default=40, ge=0)
    visit_notice_weeks: int = Field(default=8, ge=0)
    min_field_confidence: float = Field(default=0.6, ge=0, le=1)


class ParserSettings(Section):
    max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    timeout_seconds: float = Field(default=30.0, gt=0)
    memory_mb: int = Field(default=1024, ge=64)
    scan_timeout_seconds: float = Field(default=120.0, gt=0)
    ocr_max_pages: int = Field(default=10, ge=1)
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_languages: str = "eng+fra+spa"
    tesseract_command: str = "tesseract"
    conversion_timeout_seconds: float = Field(default=60.0, gt=0)
    libreoffice_command: str = "soffice"
    message_budget_seconds: float = Field(default=600.0, gt=0)
    documents_per_process: int = Field(default=100, ge=1)


class WorkerSettings(Section):
    poll_seconds: float = Field(default=60.0, gt=0)
    dry_run: bool = False


class AlertSettings(Section):
    to: list[str] = []
    after_minutes: float = Field(default=30.0, ge=0)
    backlog_minutes: float = Field(default=60.0, ge=0)
    backlog_threshold: int = Field(default=5, ge=1)
    failed_window_hours: float = Field(default=24.0, gt=0)

    @field_validator("to")
    @classmethod
    def _plain_addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            local, at, domain = address.partition("@")
            if not (local and at and domain) or any(ch.isspace() for ch in address):
                raise ValueError(f"not an email address: {address!r}")
        return value


class RetentionSettings(Section):
    days: int = Field(default=0, ge=0)
    anonymise: bool = False


class LoggingSettings(Section):
    format: Literal["text", "json"] = "text"


class WebSettings(Section):
    secret_key_env: str = "MPP_SECRET_KEY"
    session_minutes: int = Field(default=480, ge=1)
    secure_cookies: bool = False


class Settings(Section):
    database: DatabaseSettings = DatabaseSettings()
    mailbox: MailboxSettings = MailboxSettings()
    notifications: NotificationSettings = NotificationSettings()
    oauth: OAuthSettings = OAuthSettings()
    storage: StorageSettings = StorageSettings()
    programme: ProgrammeSettings = ProgrammeSettings()
    rules: RulesSettings = RulesSettings()
    parsers: ParserSettings = ParserSettings()
    worker: WorkerSettings = WorkerSettings()
    web: WebSettings = WebSettings()
    alerts: AlertSettings = AlertSettings()
    retention: RetentionSettings = RetentionSettings()
    logging: LoggingSettings = LoggingSettings()

    def with_overrides(self, **sections: dict[str, object]) -> Settings:
        """A copy with some keys of some sections replaced (tests use this)."""
        data = self.model_dump()
        for name, values in sections.items():
            data[name].update(values)
        return Settings.model_validate(data)


def _secret(env_name: str, *, required: bool, what: str = "the password") -> str:
    value = os.environ.get(env_name, "")
    if required and not value:
        raise ConfigError(f"the environment variable {env_name} ({what}) is not set")
    return value


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from ``path``, else ``$MPP_CONFIG``, else use the built-in defaults.

    Relative paths in the file are taken relative to the working directory.
    """
    chosen = path or os.environ.get("MPP_CONFIG")
    if not chosen:
        return Settings()
    file = Path(chosen)
    if not file.is_file():
        raise ConfigError(f"configuration file not found: {file}")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{file}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            lines.append(f"unknown key {key!r}")
        else:
            lines.append(f"{key}: {error['msg']} (got {error.get('input')!r})")
    return "; ".join(lines)
