"""``mpp backup``: the database and every stored message and attachment in one .tar.gz.

The database is read from a consistent snapshot: SQLite is first copied with the sqlite3
backup API (the worker may keep writing meanwhile); PostgreSQL is read in one REPEATABLE
READ, read-only transaction. Rows are written as JSON lines through SQLAlchemy, so no
``pg_dump`` of a matching version is needed and a backup restores into either backend.
Stored files are written to storage before the rows that name them are committed, so taking
the snapshot first means every file a row needs is in the archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

from common.clock import utcnow
from common.errors import MppError
from ops import archive
from ops.tables import iter_rows, json_line, reflect_tables


@dataclass
class BackupReport:
    path: Path
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    damaged: list[str] = field(default_factory=list)  # stored files whose content != name


def create_backup(engine: Engine, storage: Path, target: Path) -> BackupReport:
    """Write the archive to ``target`` (atomically: a partial backup never has its name)."""
    target = target.resolve()
    if not target.parent.is_dir():
        raise MppError(f"the folder for the backup does not exist: {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    manifest: dict[str, Any] = {"format": archive.FORMAT, "version": archive.VERSION}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="mpp-backup-") as scratch,
            tarfile.open(partial, "w:gz") as tar,
        ):
            report = _write_database(engine, Path(scratch), tar, manifest, target)
            _write_storage(storage, tar, manifest, report)
            manifest["created_at"] = utcnow().isoformat()
            _add_bytes(tar, archive.MANIFEST, json.dumps(manifest, indent=1).encode())
        os.chmod(partial, 0o600)  # it holds personal data
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return report


def _write_database(
    engine: Engine, scratch: Path, tar: tarfile.TarFile, manifest: dict[str, Any], target: Path
) -> BackupReport:
    tables: dict[str, dict[str, Any]] = {}
    with _snapshot(engine, scratch) as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        report = BackupReport(path=target, revision=revision)
        for table in reflect_tables(connection):
            dump = scratch / f"{table.name}.jsonl"
            rows, digest = _dump_table(connection, table, dump)
            tar.add(dump, arcname=archive.table_member(table.name), filter=_plain)
            tables[table.name] = {"rows": rows, "sha256": digest}
            report.tables[table.name] = rows
    manifest.update(dialect=engine.dialect.name, revision=revision, tables=tables)
    return report


def _dump_table(connection: Connection, table: Any, path: Path) -> tuple[int, str]:
    digest, rows = hashlib.sha256(), 0
    with path.open("wb") as handle:
        for row in iter_rows(connection, table):
            line = json_line(row)
            handle.write(line)
            digest.update(line)
            rows += 1
    return rows, digest.hexdigest()


@contextmanager
def _snapshot(engine: Engine, scratch: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database."""
    if engine.dialect.name == "sqlite":
        copy = scratch / "snapshot.sqlite3"
        with engine.connect() as live:
            source = live.connection.dbapi_connection
            destination = sqlite3.connect(copy)
            try:
                source.backup(destination)  # type: ignore[union-attr]
            finally:
                destination.close()
        snapshot = create_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection:
                yield connection
        finally:
            snapshot.dispose()
        return
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin():
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        yield connection


def _write_storage(
    storage: Path, tar: tarfile.TarFile, manifest: dict[str, Any], report: BackupReport
) -> None:
    files: list[dict[str, Any]] = []
    for kind, name, path in archive.stored_files(storage):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MppError(f"could not read the stored file {path}: {exc}") from exc
        digest = hashlib.sha256(data).hexdigest()
        if digest != name:
            report.damaged.append(f"{kind}/{name}")
        _add_bytes(tar, archive.file_member(kind, name), data)
        files.append({"kind": kind, "name": name, "size": len(data), "sha256": digest})
        report.files += 1
        report.bytes += len(data)
    counts = {
        kind: sum(1 for item in files if item["kind"] == kind) for kind in archive.STORED_KINDS
    }
    manifest.update(files=files, file_counts=counts, damaged=report.damaged)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info
