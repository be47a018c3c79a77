"""``mpp restore``: a backup archive back into an empty database and storage folder.

The whole archive is checked against its manifest before anything is written. The schema is
brought to the backup's revision, the rows are inserted in one transaction, then the schema
is migrated to the newest revision, so a backup from an older mpp restores into a newer one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from common.errors import MppError
from db.session import alembic_config, migrate
from intake.storage import write_atomically
from ops import archive
from ops.tables import insert_rows, reflect_tables


class BackupDamaged(MppError):
    """A backup archive is not one mpp wrote, or its content does not match its manifest."""


@dataclass
class RestoreReport:
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def restore_backup(
    engine: Engine, storage: Path, source: Path, *, force: bool = False
) -> RestoreReport:
    """Restore ``source``; refuses a database or storage that holds data unless ``force``."""
    with _open_archive(source) as tar:
        try:
            members = _members(tar)
            manifest = _manifest(tar, members)
            _verify(tar, members, manifest)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupDamaged(f"{source}: the archive is damaged: {exc}") from exc
        revision = manifest.get("revision")
        _prepare(engine, storage, revision, force=force)
        report = RestoreReport(revision=revision)
        _restore_rows(engine, tar, members, report)
        migrate(engine)
        _restore_files(tar, members, manifest, storage, report)
    return report


def _open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")  # closed by the caller's with
    except (OSError, tarfile.TarError) as exc:
        raise BackupDamaged(f"{source}: not a readable backup archive: {exc}") from exc


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members: dict[str, tarfile.TarInfo] = {}
    for member in tar.getmembers():
        allowed = member.name == archive.MANIFEST or any(
            pattern.fullmatch(member.name)
            for pattern in (archive.TABLE_MEMBER, archive.FILE_MEMBER)
        )
        if not member.isfile() or not allowed:
            raise BackupDamaged(f"unexpected entry in the backup: {member.name!r}")
        members[member.name] = member
    return members


def _open(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupDamaged(f"cannot read {member.name} from the backup")
    return handle


def _manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    if archive.MANIFEST not in members:
        raise BackupDamaged("the backup has no manifest.json")
    try:
        manifest = json.loads(_open(tar, members[archive.MANIFEST]).read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupDamaged(f"manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
        raise BackupDamaged("this is not an mpp backup")
    if manifest.get("version") != archive.VERSION:
        raise BackupDamaged(f"backup format version {manifest.get('version')} is not supported")
    return manifest


def _expected(manifest: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(member name, sha256) of every table and file the manifest lists."""
    for name, info in (manifest.get("tables") or {}).items():
        yield archive.table_member(name), str(info.get("sha256"))
    for item in manifest.get("files") or []:
        yield archive.file_member(str(item["kind"]), str(item["name"])), str(item["sha256"])


def _verify(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], manifest: dict) -> None:
    expected = dict(_expected(manifest))
    extra = set(members) - set(expected) - {archive.MANIFEST}
    if extra:
        raise BackupDamaged(f"entries missing from the manifest: {', '.join(sorted(extra)[:5])}")
    for name, digest in expected.items():
        if name not in members:
            raise BackupDamaged(f"the backup lacks {name}")
        actual = hashlib.sha256()
        with _open(tar, members[name]) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                actual.update(chunk)
        if actual.hexdigest() != digest:
            raise BackupDamaged(f"{name} does not match its sha256 in the manifest")


def _prepare(engine: Engine, storage: Path, revision: str | None, *, force: bool) -> None:
    """Check the target is empty (or empty it with ``force``); set the schema to ``revision``."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    if revision is not None and _unknown(script, revision):
        raise MppError(f"the backup is at schema revision {revision}, unknown to this mpp")
    filled = _filled_tables(engine)
    files = sum(1 for _ in archive.stored_files(storage))
    if (filled or files) and not force:
        what = ", ".join(f"{name} ({count} rows)" for name, count in filled.items())
        raise MppError(
            "the target is not empty: "
            + (what or "no rows")
            + f"; {files} stored files. Restore into an empty database and storage "
            "folder, or pass --force to replace what is there."
        )
    if filled:
        _empty_tables(engine)
    for kind in archive.STORED_KINDS:
        shutil.rmtree(storage / kind, ignore_errors=True)
    _set_schema(engine, script, revision)


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:
        return True


def _filled_tables(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        tables = reflect_tables(connection)
        counts = {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in tables
        }
    return {name: count for name, count in counts.items() if count}


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(reflect_tables(connection)):
            connection.execute(table.delete())


def _set_schema(engine: Engine, script: ScriptDirectory, revision: str | None) -> None:
    config = alembic_config(engine)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == revision:
        return
    if revision is None:
        command.downgrade(config, "base")
    elif current is not None and revision in _ancestors(script, current):
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def _ancestors(script: ScriptDirectory, revision: str) -> set[str]:
    return {rev.revision for rev in script.iterate_revisions(revision, "base")}


def _restore_rows(
    engine: Engine, tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], report: RestoreReport
) -> None:
    with engine.begin() as connection:
        tables = {table.name: table for table in reflect_tables(connection)}
        for name in tables:
            member = members.get(archive.table_member(name))
            if member is not None:
                report.tables[name] = insert_rows(connection, tables[name], _rows(tar, member))
        unknown = {match[1] for n in members if (match := archive.TABLE_MEMBER.fullmatch(n))} - set(
            tables
        )
        if unknown:
            raise MppError(f"the backup has tables this schema lacks: {', '.join(sorted(unknown))}")
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, [name for name, t in tables.items() if "id" in t.c])


def _rows(tar: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[dict[str, Any]]:
    with _open(tar, member) as handle:
        for number, line in enumerate(handle, start=1):
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise BackupDamaged(f"{member.name}, line {number}: {exc}") from exc
            if not isinstance(row, dict):
                raise BackupDamaged(f"{member.name}, line {number}: not an object")
            yield row


def _reset_sequences(connection: Connection, tables: list[str]) -> None:
    """Serial columns continue after the restored ids (PostgreSQL keeps them apart)."""
    for name in tables:
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}
        ).scalar()
        if sequence:
            connection.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{name}"), 0) + 1, false)'),
                {"s": sequence},
            )


def _restore_files(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    storage: Path,
    report: RestoreReport,
) -> None:
    for item in manifest.get("files") or []:
        kind, name = str(item["kind"]), str(item["name"])
        member = members[archive.file_member(kind, name)]
        with _open(tar, member) as handle:
            data = handle.read()
        write_atomically(storage / kind / name[:2] / name, data)
        report.files += 1
