"""What every command needs: settings, a migrated database, logging."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from common.settings import Settings, load_settings
from db.session import make_engine, migrate


@dataclass
class App:
    settings: Settings
    engine: Engine


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def open_app(config: str | None) -> App:
    """Load and validate the configuration, then bring the database schema up to date."""
    settings = load_settings(config)
    engine = make_engine(settings.database.url, echo=settings.database.echo)
    migrate(engine)
    return App(settings, engine)
