"""Shared test set-up: real-server fixtures are plugins under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.dovecot",
    "tests.fixtures.smtp",
    "tests.fixtures.database",
    "tests.fixtures.oauth",
]
