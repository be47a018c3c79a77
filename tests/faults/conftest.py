"""Fixtures of the fault tests: a migrated PostgreSQL engine and a PostgreSQL that may restart."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from db.session import make_engine, migrate
from tests.fixtures.ci import require
from tests.fixtures.database import POSTGRES_URL, postgres_reachable


@pytest.fixture
def restart_safe_postgres_url() -> Iterator[str]:
    """Like ``postgres_url``, for a test that restarts the server: the schema is dropped on a
    connection opened after the restart."""
    require(postgres_reachable(), "PostgreSQL on 127.0.0.1:5432 (database test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _admin(f'create schema "{schema}"')
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    _admin(f'drop schema "{schema}" cascade')


def _admin(statement: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()
