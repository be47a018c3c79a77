"""Shared test set-up: real-server fixtures are plugins under tests/fixtures/."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

pytest_plugins = [
    "tests.fixtures.dovecot",
    "tests.fixtures.smtp",
    "tests.fixtures.database",
    "tests.fixtures.oauth",
]


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A command run in a test sets up logging on the standard error pytest captures and
    closes afterwards; the root logger is put back, so that later log records (from a
    server thread, say) do not go to a closed stream."""
    handlers, level = list(logging.root.handlers), logging.root.level
    yield
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)
