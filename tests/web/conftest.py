"""Fixtures of the web tests: a database seeded once from the sample emails through the real
pipeline, copied for each test; an app; signed-in clients."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from common.passwords import hash_password
from common.settings import Settings
from db.models import Application, StaffUser
from db.session import make_engine, migrate, session_scope
from intake.storage import sha256_hex
from web.server import create_app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "samples").glob("*.eml"))
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def web_settings(folder: Path, **overrides: dict) -> Settings:
    settings = Settings().with_overrides(
        database={"url": f"sqlite:///{folder / 'mpp.db'}"},
        storage={"path": str(folder / "data")},
        notifications={"transport": "file", "outbox_dir": str(folder / "outbox")},
        mailbox={"path": str(folder / "maildir")},
    )
    return settings.with_overrides(**overrides) if overrides else settings


def process(settings: Settings, engine: Engine, raws: list[bytes]) -> None:
    """Take raw messages through the real pipeline."""
    from intake.model import IncomingMessage
    from intake.pipeline import make_context, process_message

    context = make_context(settings, engine, worker_id="t")
    for raw in raws:
        incoming = IncomingMessage(
            source_key=f"sha256:{sha256_hex(raw)}", raw=raw, received_at=None
        )
        process_message(incoming, context)


def seed(folder: Path) -> None:
    """Run every sample email through the pipeline and add two staff accounts."""
    settings = web_settings(folder)
    engine = make_engine(settings.database.url)
    migrate(engine)
    process(settings, engine, [path.read_bytes() for path in SAMPLES])
    with session_scope(engine) as session:
        for name, role in (("admin", "admin"), ("reviewer", "reviewer")):
            session.add(StaffUser(username=name, password_hash=hash_password(PASSWORD), role=role))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    seed(folder)
    return folder


@dataclass
class Site:
    folder: Path
    settings: Settings
    engine: Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def applications(self) -> list[Application]:
        with self.session() as session:
            return list(session.exec(select(Application).order_by(Application.id)))


@pytest.fixture
def site(seeded_folder: Path, tmp_path: Path) -> Iterator[Site]:
    """A private copy of the seeded database and storage."""
    folder = tmp_path / "site"
    shutil.copytree(seeded_folder, folder)
    settings = web_settings(folder)
    engine = make_engine(settings.database.url)
    yield Site(folder, settings, engine)
    engine.dispose()


def ingest(site: Site, *raws: bytes) -> None:
    process(site.settings, site.engine, list(raws))


@pytest.fixture
def app(site: Site):  # type: ignore[no-untyped-def]
    return create_app(site.settings, site.engine)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        assert sign_in(client, "admin").status_code == 303
        yield client


@pytest.fixture
def reviewer(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:
        assert sign_in(client, "reviewer").status_code == 303
        yield client


def post_form(client: TestClient, url: str, data: dict | None = None, *, page: str = "/"):  # type: ignore[no-untyped-def]
    """POST a form with the session's CSRF token (read from ``page``)."""
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


AREA = {"output_indicators": "n", "outcomes": "o", "outcome_indicators": "n"}


def make_pair(site) -> tuple[Application, Application]:  # type: ignore[no-untyped-def]
    """Turn two recorded applications into a complete mentee and a complete mentor."""
    first, second = site.applications()[:2]
    with site.session() as session:
        mentee = session.get(Application, first.id)
        mentor = session.get(Application, second.id)
        mentee.status, mentee.mode = "complete", "seeking"
        mentee.state_party, mentee.state_party_code, mentee.region = "Malawi", "MWI", "Africa"
        mentee.thematic_areas = [
            {"number": 1, "title": "Structure", "outputs": "training", **AREA},
            {"number": 2, "title": "Legislation", "outputs": "draft law", **AREA},
        ]
        mentor.status, mentor.mode = "complete", "offering"
        mentor.state_party, mentor.state_party_code = "Portugal", "PRT"
        mentor.region = "Western European and Other States"
        mentor.justification = (
            "We can share our implementing legislation and the structure of our NA."
        )
        session.add_all([mentee, mentor])
        session.commit()
        return mentee, mentor
