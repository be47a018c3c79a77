"""Alembic environment: the engine comes from ``db.session.alembic_config``."""

from alembic import context
from sqlmodel import SQLModel

import db.models
import db.models_ops
import db.models_staff  # noqa: F401
from db.session import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
