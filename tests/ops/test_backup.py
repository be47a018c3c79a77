"""Backup and restore: every table and every stored file comes back, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cli.main import main
from common.errors import MppError
from db.session import make_engine, migrate
from ops.archive import stored_files
from ops.backup import create_backup
from ops.restore import BackupDamaged, restore_backup
from ops.tables import iter_rows, reflect_tables
from tests.ops.conftest import ingest
from tests.pipeline.helpers import SAMPLES, make_settings


def snapshot(engine: Engine) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        return {t.name: list(iter_rows(connection, t)) for t in reflect_tables(connection)}


def files_of(storage: Path) -> dict[str, str]:
    return {
        f"{kind}/{name}": hashlib.sha256(path.read_bytes()).hexdigest()
        for kind, name, path in stored_files(storage)
    }


@pytest.fixture
def filled(settings, engine):
    """A few sample applications processed by the real pipeline (SQLite and PostgreSQL)."""
    results = ingest(settings, engine, SAMPLES[:3])
    assert {r.outcome for r in results} == {"recorded"}
    return settings, engine


@pytest.fixture
def filled_sqlite(tmp_path, sqlite_url):
    settings = make_settings(tmp_path, sqlite_url)
    engine = make_engine(sqlite_url)
    migrate(engine)
    ingest(settings, engine, SAMPLES[:2])
    yield settings, engine
    engine.dispose()


def test_backup_wipe_restore_gives_back_every_row_and_file(tmp_path, filled):
    settings, engine = filled
    storage = Path(settings.storage.path)
    rows_before, files_before = snapshot(engine), files_of(storage)
    assert rows_before["application"] and rows_before["document"] and len(files_before) > 3

    report = create_backup(engine, storage, tmp_path / "b.tar.gz")
    assert report.files == len(files_before) and not report.damaged
    assert report.tables["application"] == len(rows_before["application"])
    assert (tmp_path / "b.tar.gz").stat().st_mode & 0o077 == 0

    migrate_down_and_wipe(engine, storage)
    restored = restore_backup(engine, storage, tmp_path / "b.tar.gz")

    assert restored.files == len(files_before)
    assert snapshot(engine) == rows_before
    assert files_of(storage) == files_before
    (result,) = ingest(settings, engine, SAMPLES[4:5])
    assert result.outcome == "recorded"  # PostgreSQL sequences go on after the restored ids


def migrate_down_and_wipe(engine: Engine, storage: Path) -> None:
    """An empty database and storage, as on a new machine (the schema is dropped too)."""
    from alembic import command

    from db.session import alembic_config

    command.downgrade(alembic_config(engine), "base")
    shutil.rmtree(storage)


def test_restore_refuses_a_database_that_holds_data_unless_forced(tmp_path, filled):
    settings, engine = filled
    storage = Path(settings.storage.path)
    create_backup(engine, storage, tmp_path / "b.tar.gz")
    before = snapshot(engine)
    with pytest.raises(MppError, match="not empty"):
        restore_backup(engine, storage, tmp_path / "b.tar.gz")
    ingest(settings, engine, SAMPLES[3:4])  # one more application, not in the backup
    restore_backup(engine, storage, tmp_path / "b.tar.gz", force=True)
    assert snapshot(engine) == before


def test_backup_restores_into_another_backend_and_takes_new_applications(tmp_path, filled):
    settings, engine = filled
    create_backup(engine, Path(settings.storage.path), tmp_path / "b.tar.gz")
    other = make_settings(tmp_path / "other", f"sqlite:///{tmp_path / 'other' / 'mpp.db'}")
    fresh = make_engine(other.database.url)
    try:
        restore_backup(fresh, Path(other.storage.path), tmp_path / "b.tar.gz")
        assert snapshot(fresh) == snapshot(engine)
        (result,) = ingest(other, fresh, SAMPLES[4:5])
        assert result.outcome == "recorded"  # ids go on after the restored rows
    finally:
        fresh.dispose()


def test_damaged_archive_is_refused_before_anything_is_written(tmp_path, filled_sqlite):
    settings, engine = filled_sqlite
    create_backup(engine, Path(settings.storage.path), tmp_path / "b.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(tmp_path / "b.tar.gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("storage/raw/"):
                data = data.replace(b"e", b"E", 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    empty = tmp_path / "empty"
    target_engine = make_engine(f"sqlite:///{empty / 'mpp.db'}")
    with pytest.raises(BackupDamaged, match="sha256"):
        restore_backup(target_engine, empty / "data", damaged)
    assert not (empty / "data").exists()
    target_engine.dispose()


def test_archive_with_a_path_outside_storage_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../etc/cron.d/x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    engine = make_engine(f"sqlite:///{tmp_path / 'mpp.db'}")
    with pytest.raises(BackupDamaged, match="unexpected entry"):
        restore_backup(engine, tmp_path / "data", evil)
    engine.dispose()


def test_not_an_archive_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not gzip")
    engine = make_engine(f"sqlite:///{tmp_path / 'mpp.db'}")
    with pytest.raises(BackupDamaged):
        restore_backup(engine, tmp_path / "data", junk)
    engine.dispose()


def test_commands_backup_and_restore(tmp_path, filled_sqlite, capsys):
    settings, _engine = filled_sqlite
    config = tmp_path / "mpp.toml"
    database, storage = settings.database.url, settings.storage.path
    config.write_text(f'[database]\nurl = "{database}"\n[storage]\npath = "{storage}"\n')
    assert main(["--config", str(config), "backup", str(tmp_path / "b.tar.gz")]) == 0
    manifest = json.loads(
        tarfile.open(tmp_path / "b.tar.gz").extractfile("manifest.json").read()  # noqa: SIM115
    )
    assert manifest["tables"]["application"]["rows"] > 0
    assert main(["--config", str(config), "restore", str(tmp_path / "b.tar.gz")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["--config", str(config), "restore", "--force", str(tmp_path / "b.tar.gz")]) == 0
