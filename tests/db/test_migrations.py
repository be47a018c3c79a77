from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.session import make_engine, migrate


def test_migrations_create_every_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrating_twice_is_harmless(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    assert "application" in inspect(engine).get_table_names()
    engine.dispose()
