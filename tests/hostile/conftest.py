"""Running hostile input through the real pipeline into a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import make_engine, migrate
from intake.pipeline import PipelineContext, make_context
from tests.pipeline.helpers import make_settings


def pipeline_context(tmp_path: Path, db_url: str, **overrides: dict) -> PipelineContext:
    engine = make_engine(db_url)
    migrate(engine)
    return make_context(make_settings(tmp_path, db_url, **overrides), engine, worker_id="t")


@pytest.fixture
def ctx(tmp_path: Path, sqlite_url: str) -> Iterator[PipelineContext]:
    context = pipeline_context(tmp_path, sqlite_url)
    yield context
    context.engine.dispose()


@pytest.fixture
def any_db_ctx(tmp_path: Path, db_url: str) -> Iterator[PipelineContext]:
    """The same, once on SQLite and once on PostgreSQL (which enforces column lengths)."""
    context = pipeline_context(tmp_path, db_url)
    yield context
    context.engine.dispose()


@pytest.fixture(scope="module")
def shared_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineContext]:
    """One database for a whole corpus: migrated once, messages recorded side by side."""
    root = tmp_path_factory.mktemp("corpus")
    context = pipeline_context(root, f"sqlite:///{root / 'mpp.db'}")
    yield context
    context.engine.dispose()
