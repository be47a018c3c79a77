"""What every command needs: settings, a migrated database, logging."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from common.settings import Settings, load_settings
from db.session import make_engine, migrate


@dataclass
class App:
    settings: Settings
    engine: Engine


def configure_logging(verbose: bool, log_format: str = "text") -> None:
    """Log records to standard error, as text or as one JSON object per line."""
    from ops.logging_json import configure_logging as configure

    configure(verbose=verbose, log_format=log_format)


def open_app(config: str | None, *, verbose: bool | None = None) -> App:
    """Load and validate the configuration, then bring the database schema up to date.

    With ``verbose`` given, logging is set up first, in the configured ``[logging] format``.
    """
    settings = load_settings(config)
    if verbose is not None:
        configure_logging(verbose, settings.logging.format)
    engine = make_engine(settings.database.url, echo=settings.database.echo)
    migrate(engine)
    return App(settings, engine)
