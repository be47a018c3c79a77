"""What every request handler needs: settings, the database, templates, storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlmodel import Session

from common.settings import Settings
from db.session import session_scope
from intake.storage import BlobStore
from notifications.delivery import Transport

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


@dataclass
class WebState:
    settings: Settings
    engine: Engine
    templates: Jinja2Templates
    store: BlobStore
    make_transport: Callable[[Settings], Transport]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends without an error."""
        with session_scope(self.engine) as session:
            yield session


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
