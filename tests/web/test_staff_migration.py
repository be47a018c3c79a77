"""The staff tables' migration runs up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models
import db.models_staff  # noqa: F401
from db.session import alembic_config, make_engine, migrate

STAFF_TABLES = {"note", "partnership", "partnership_visit", "partnership_report", "login_attempt"}


def test_staff_tables_migrate_up_and_down(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= STAFF_TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        staff = [d for d in compare_metadata(context, SQLModel.metadata) if _about_staff(d)]
    assert staff == []  # the migration matches the models
    command.downgrade(alembic_config(engine), "0001")
    assert not STAFF_TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= STAFF_TABLES
    engine.dispose()


def _about_staff(difference) -> bool:  # type: ignore[no-untyped-def]
    text = repr(difference)
    return any(f"'{name}'" in text for name in STAFF_TABLES)
