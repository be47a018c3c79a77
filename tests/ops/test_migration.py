"""The alert_state migration matches its model and runs up and down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models_ops  # noqa: F401
from db.session import alembic_config


def test_alert_state_migrates_up_and_down(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        ours = [d for d in compare_metadata(context, SQLModel.metadata) if "alert_state" in repr(d)]
    assert ours == []
    command.downgrade(alembic_config(engine), "0002")
    assert "alert_state" not in inspect(engine).get_table_names()
    command.upgrade(alembic_config(engine), "head")
    assert "alert_state" in inspect(engine).get_table_names()
