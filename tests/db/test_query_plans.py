"""The queries made for every message find their rows through selective indexes on SQLite,
so recording a message costs the same with ten or with a year of messages in the database."""

from __future__ import annotations

import importlib

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect
from sqlmodel import SQLModel

from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from tests.pipeline.helpers import SAMPLES, make_settings

_MIGRATION = importlib.import_module("db.migrations.versions.0005_lookup_indexes")
LOOKUP_INDEXES, REPLACED_INDEXES = _MIGRATION.INDEXES, _MIGRATION.REPLACED

# Tables that grow with every message; a plan may not read them whole.
GROWING = ("mail_message", "notification", "application", "document", "extracted_field")
# Indexes every finished message shares: walking one reads (nearly) the whole table.
UNSELECTIVE = ("ix_mail_message_state", "ix_notification_status", "ix_application_status")


def plans_of_one_poll(tmp_path) -> dict[str, list[str]]:
    """Each query made while four messages (the last a resent copy) are processed, with the
    steps of SQLite's plan for it."""
    url = f"sqlite:///{tmp_path / 'mpp.db'}"
    engine = make_engine(url)
    migrate(engine)
    ctx = make_context(make_settings(tmp_path, url), engine, worker_id="t")
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    for number, path in enumerate([*SAMPLES[:3], SAMPLES[0]]):
        process_message(IncomingMessage(f"test:{number}", path.read_bytes(), None), ctx)
    event.remove(engine, "before_cursor_execute", keep)
    plans: dict[str, list[str]] = {}
    with engine.connect() as connection:
        sqlite = connection.connection.driver_connection
        for statement, parameters in statements:
            rows = sqlite.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans[statement] = [row[3] for row in rows]
    engine.dispose()
    return plans


def test_no_query_of_a_message_reads_a_growing_table_whole(tmp_path):
    plans = plans_of_one_poll(tmp_path)
    assert any("ix_mail_message_same_bytes" in step for steps in plans.values() for step in steps)
    bad = {
        statement: steps
        for statement, steps in plans.items()
        if any(step.startswith(f"SCAN {table}") for step in steps for table in GROWING)
        or any(index in step for step in steps for index in UNSELECTIVE)
    }
    assert bad == {}


def test_migration_0005_makes_the_indexes_the_models_declare(engine):
    names = set(LOOKUP_INDEXES) | set(REPLACED_INDEXES)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if names & set(repr(d).replace("'", " ").split())
        ]
    assert differences == []
    made = {
        index["name"]
        for table in ("mail_message", "notification")
        for index in inspect(engine).get_indexes(table)
    }
    assert set(LOOKUP_INDEXES) <= made and not set(REPLACED_INDEXES) & made
