"""Retention: old applications are deleted or anonymised; what is recent stays untouched."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from cli.main import main
from common.clock import utcnow
from db.models import (
    Application,
    AuditEntry,
    Document,
    ExtractedField,
    MailMessage,
    Notification,
)
from db.models_staff import Partnership
from db.session import session_scope
from intake.storage import BlobStore
from ops.retention import purge
from tests.ops.conftest import ingest, references
from tests.pipeline.helpers import SAMPLES, make_settings

OLD, RECENT = utcnow() - timedelta(days=400), utcnow() - timedelta(days=10)


def resent(path: Path, tmp_path: Path) -> Path:
    """The same email sent again later: new Message-ID, same attachments."""
    raw = path.read_bytes().replace(b"Message-ID: <", b"Message-ID: <again-", 1)
    copy = tmp_path / f"again-{path.name}"
    copy.write_bytes(raw)
    return copy


@pytest.fixture
def dated(tmp_path, settings, engine):
    """Two applications from 400 days ago, two from 10 days ago (one resends an old one)."""
    old = ingest(settings, engine, SAMPLES[:2], received_at=OLD)
    recent = ingest(settings, engine, [SAMPLES[2], resent(SAMPLES[0], tmp_path)], RECENT)
    assert {r.outcome for r in old + recent} == {"recorded"}
    by_date = {
        when: {d.sha256 for d in rows(engine, Document) if d.application_id in ids}
        for when, ids in ((OLD, ids_of(engine, old)), (RECENT, ids_of(engine, recent)))
    }
    assert by_date[OLD] & by_date[RECENT]  # the resent attachments are shared files
    return [r.reference for r in old], [r.reference for r in recent]


def ids_of(engine, results) -> set[int]:
    wanted = {r.reference for r in results}
    return {a.id for a in rows(engine, Application) if a.reference in wanted}


def rows(engine, model) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model)))


def stored_files_missing(engine, store: BlobStore) -> list[str]:
    """Files that a remaining, not anonymised record names but that are gone."""
    anonymised = {e.entity_id for e in rows(engine, AuditEntry) if e.action == "anonymised"}
    missing = [
        m.raw_sha256
        for m in rows(engine, MailMessage)
        if m.id not in anonymised and not store.path_for("raw", m.raw_sha256).exists()
    ]
    missing += [
        d.sha256
        for d in rows(engine, Document)
        if not store.path_for("blobs", d.sha256).exists() and d.mail_message_id not in anonymised
    ]
    return missing


def test_purge_deletes_old_applications_and_files_no_one_else_needs(settings, engine, dated):
    old, recent = dated
    store = BlobStore(settings.storage.path)
    storage = Path(settings.storage.path)
    old_raw = [m.raw_sha256 for m in rows(engine, MailMessage) if m.received_at < RECENT]
    before = sorted(storage.rglob("*"))

    preview = purge(engine, storage, older_than_days=365, dry_run=True)
    assert sorted(preview.applications) == sorted(old) and preview.files > 0
    assert references(engine) == sorted(old + recent)
    assert sorted(storage.rglob("*")) == before

    report = purge(engine, storage, older_than_days=365)

    assert sorted(report.applications) == sorted(old)
    assert references(engine) == sorted(recent)
    assert all(m.received_at >= RECENT for m in rows(engine, MailMessage))
    assert not any(store.path_for("raw", sha).exists() for sha in old_raw)
    assert stored_files_missing(engine, store) == []  # the resent attachments were kept
    assert report.files == preview.files
    kept_ids = {a.id for a in rows(engine, Application)}
    assert {f.application_id for f in rows(engine, ExtractedField)} <= kept_ids
    assert {n.application_id for n in rows(engine, Notification)} <= kept_ids
    (entry,) = [e for e in rows(engine, AuditEntry) if e.entity == "retention"]
    assert entry.action == "purge" and sorted(entry.detail["applications"]) == sorted(old)
    assert purge(engine, storage, older_than_days=365).applications == []


def test_anonymise_keeps_statistics_and_removes_personal_data(settings, engine, dated):
    old, recent = dated
    store = BlobStore(settings.storage.path)
    before = {a.reference: a for a in rows(engine, Application)}

    report = purge(engine, Path(settings.storage.path), older_than_days=365, anonymise=True)

    assert sorted(report.applications) == sorted(old)
    after = {a.reference: a for a in rows(engine, Application)}
    assert sorted(after) == sorted(before)
    for reference in old:
        app = after[reference]
        assert (app.contact_person, app.phone, app.emails, app.sender) == (None, None, [], "")
        assert app.state_party == before[reference].state_party
        assert app.status == before[reference].status and app.region == before[reference].region
        message = next(m for m in rows(engine, MailMessage) if m.id == app.mail_message_id)
        assert (message.sender, message.body_text, message.recipients) == ("", "", [])
        assert not store.path_for("raw", message.raw_sha256).exists()
        replies = [n for n in rows(engine, Notification) if n.application_id == app.id]
        assert replies and all(n.to == [] and n.body_text == "" for n in replies)
    for reference in recent:
        assert after[reference].contact_person == before[reference].contact_person
    assert stored_files_missing(engine, store) == []
    again = purge(engine, Path(settings.storage.path), older_than_days=365, anonymise=True)
    assert again.applications == []


def test_an_application_in_a_partnership_is_anonymised_not_deleted(tmp_path, sqlite_url, capsys):
    settings = make_settings(tmp_path, sqlite_url)
    from db.session import make_engine, migrate

    engine = make_engine(sqlite_url)
    migrate(engine)
    old = ingest(settings, engine, SAMPLES[:2], received_at=OLD)
    new = ingest(settings, engine, SAMPLES[2:3], received_at=RECENT)
    ids = {a.reference: a.id for a in rows(engine, Application)}
    with session_scope(engine) as session:
        session.add(
            Partnership(
                mentee_application_id=ids[old[0].reference],
                mentor_application_id=ids[new[0].reference],
                starts_on=date(2025, 6, 1),
                ends_on=date(2026, 6, 1),
                created_by="staff",
            )
        )
    report = purge(engine, Path(settings.storage.path), older_than_days=365)
    assert report.anonymised_instead == [old[0].reference]
    assert references(engine) == sorted([old[0].reference, new[0].reference])
    with Session(engine) as session:
        kept = session.exec(
            select(Application).where(col(Application.reference) == old[0].reference)
        ).one()
    assert kept.contact_person is None
    engine.dispose()


def test_purge_command_dry_run_and_off_by_default(tmp_path, sqlite_url, capsys):
    settings = make_settings(tmp_path, sqlite_url)
    config = tmp_path / "mpp.toml"
    config.write_text(
        f'[database]\nurl = "{sqlite_url}"\n[storage]\npath = "{settings.storage.path}"\n'
    )
    from db.session import make_engine

    engine = make_engine(sqlite_url)
    assert main(["--config", str(config), "purge"]) == 0
    assert "retention is off" in capsys.readouterr().out
    (result,) = ingest(settings, engine, SAMPLES[:1], received_at=OLD)
    assert main(["--config", str(config), "purge", "--older-than-days", "30", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{result.reference}: deleted" in out and "would be" in out
    assert references(engine) == [result.reference]
    engine.dispose()
