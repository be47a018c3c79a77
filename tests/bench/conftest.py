"""The benchmarks' smoke runs share one small corpus cache for the whole session."""

from __future__ import annotations

import shutil

import pytest

from tests.fixtures.ci import require
from tests.fixtures.database import postgres_reachable


@pytest.fixture(scope="session", autouse=True)
def bench_cache(tmp_path_factory: pytest.TempPathFactory):
    """Generated messages go to a temporary cache, not the machine's."""
    folder = tmp_path_factory.mktemp("bench-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MPP_BENCH_CACHE", str(folder))
        yield folder


@pytest.fixture
def dovecot_installed() -> None:
    require(shutil.which("dovecot") is not None, "Dovecot (Debian package dovecot-imapd)")


@pytest.fixture
def postgres_up() -> None:
    require(postgres_reachable(), "PostgreSQL on 127.0.0.1:5432 (database test)")
