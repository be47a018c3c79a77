"""Shared set-up for the end-to-end tests: settings, sample emails, counting rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from common.settings import Settings
from db.models import Application, MailMessage, Notification

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "samples").glob("*.eml"))
SHARED = REPO.parent / "shared"


def make_settings(tmp_path: Path, db_url: str, **overrides: dict) -> Settings:
    base = Settings().with_overrides(
        database={"url": db_url},
        storage={"path": str(tmp_path / "data")},
        notifications={"transport": "file", "outbox_dir": str(tmp_path / "outbox")},
        mailbox={"path": str(tmp_path / "maildir")},
    )
    return base.with_overrides(**overrides) if overrides else base


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def rows(engine: Engine, model: type) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model)))


__all__ = ["SAMPLES", "SHARED", "Application", "MailMessage", "Notification", "count", "rows"]
