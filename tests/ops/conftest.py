"""Fixtures of the operations tests: settings on a temporary folder, processed samples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.settings import Settings
from db.models import Application
from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import ProcessResult, make_context, process_message
from intake.storage import sha256_hex
from tests.pipeline.helpers import make_settings


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database.url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def local_settings(tmp_path: Path, sqlite_url: str) -> Settings:
    """SQLite only: for tests whose subject does not depend on the database backend."""
    return make_settings(tmp_path, sqlite_url)


@pytest.fixture
def local_engine(local_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(local_settings.database.url)
    migrate(engine)
    yield engine
    engine.dispose()


def ingest(
    settings: Settings, engine: Engine, paths: list[Path], received_at: datetime | None = None
) -> list[ProcessResult]:
    """Each file through the real pipeline, as ``mpp ingest`` does (received_at optional)."""
    ctx = make_context(settings, engine, worker_id="ops-test")
    results = []
    for path in paths:
        raw = path.read_bytes()
        key = f"sha256:{sha256_hex(raw)}:{received_at.isoformat() if received_at else ''}"
        results.append(process_message(IncomingMessage(key, raw, received_at), ctx))
    return results


def references(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Application.reference)).all())
