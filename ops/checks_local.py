"""Doctor checks of this machine: database, folders, free space, OCR and conversion tools,
reply templates and the web secret. None of them changes anything (no migration, no file
left behind)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from common.errors import TemplateError
from common.settings import Settings
from db.session import alembic_config, make_engine
from ops.check_result import Check, fail, first_line, ok, warn

MIB = 1024 * 1024
FREE_FAIL_MIB = 200
FREE_WARN_MIB = 2048
INIT = "run `mpp init`"
MIGRATE = "run `mpp init` to migrate it (take a backup first: `mpp backup FILE`)"


def open_database(settings: Settings) -> tuple[Check, Engine | None]:
    """Reach the database and compare its schema with the newest migration."""
    url = settings.database.url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError as exc:
        return fail("database", f"[database] url is not a database URL: {exc}"), None
    database = make_url(url).database
    in_file = url.startswith("sqlite") and database not in (None, "", ":memory:")
    if in_file and not Path(str(database)).is_file():
        return fail("database", f"no database file at {database}", INIT), None
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        engine.dispose()
        return fail(
            "database",
            f"cannot connect to {shown}: {first_line(exc)}",
            "check [database] url, that the server is up, and the role and its password",
        ), None
    return _schema_check(engine, shown, current), engine


def _schema_check(engine: Engine, shown: str, current: set[str]) -> Check:
    script = ScriptDirectory.from_config(alembic_config(engine))
    newest = set(script.get_heads())
    if current == newest:
        return ok("database", f"{shown}: reachable, schema at {', '.join(sorted(newest))} (newest)")
    if not current:
        return fail("database", f"{shown}: reachable, but the schema was never created", INIT)
    known = {rev.revision for rev in script.walk_revisions()}
    if not current <= known:
        return fail(
            "database",
            f"{shown}: schema at {', '.join(sorted(current))}, newer than this mpp knows",
            "install the mpp version that wrote it",
        )
    return fail(
        "database",
        f"{shown}: schema at {', '.join(sorted(current))}, newest is {', '.join(sorted(newest))}",
        MIGRATE,
    )


def check_folder(name: str, path: Path, *, create_hint: str) -> Check:
    """A folder mpp writes to: it exists (or can be made) and a file can be written in it."""
    if not path.exists():
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return warn(name, f"{path} does not exist yet; {create_hint}")
        return fail(
            name,
            f"{path} does not exist and cannot be created",
            "create it, owned by the mpp user, or fix the path in the configuration",
        )
    if not path.is_dir():
        return fail(name, f"{path} is not a folder", "point the configuration at a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".mpp-doctor-"):
            pass
    except OSError as exc:
        return fail(
            name,
            f"cannot write in {path}: {first_line(exc)}",
            "give the mpp user write access (and add it to ReadWritePaths= under systemd)",
        )
    return ok(name, f"{path} is writable")


def check_storage(settings: Settings) -> list[Check]:
    path = Path(settings.storage.path)
    folder = check_folder("storage", path, create_hint="`mpp init` creates it")
    if folder.level == "FAIL":
        return [folder]
    existing = next(p for p in (path, *path.parents) if p.exists())
    free = shutil.disk_usage(existing).free // MIB
    if free < FREE_FAIL_MIB:
        space = fail("disk space", f"{free} MiB free under {existing}", "free some space")
    elif free < FREE_WARN_MIB:
        space = warn("disk space", f"only {free} MiB free under {existing}", "free some space")
    else:
        space = ok("disk space", f"{free} MiB free under {existing}")
    return [folder, space]


def check_libreoffice(settings: Settings) -> Check:
    names = [settings.parsers.libreoffice_command, "soffice", "libreoffice"]
    found = next((hit for name in names if (hit := shutil.which(name))), None)
    if found:
        return ok("libreoffice", f"{found} (converts .doc, .odt and .rtf)")
    return warn(
        "libreoffice",
        "not found: .doc, .odt and .rtf attachments go to staff unread",
        "install it (Debian: libreoffice-writer-nogui) or set [parsers] libreoffice_command",
    )


def check_tesseract(settings: Settings) -> Check:
    command = settings.parsers.tesseract_command
    install = "install it (Debian: tesseract-ocr) or set [parsers] tesseract_command"
    try:
        version = _run([command, "--version"]).splitlines()[0]
        installed = set(_run([command, "--list-langs"]).split()[1:])
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        return warn(
            "tesseract", f"{command} not usable: {first_line(exc)}; scans go to staff", install
        )
    wanted = [lang for lang in settings.parsers.ocr_languages.split("+") if lang]
    missing = [lang for lang in wanted if lang not in installed]
    if missing:
        return warn(
            "tesseract",
            f"{version}; languages missing: {', '.join(missing)}",
            f"install tesseract-ocr-{missing[0]} (one package a language) or change ocr_languages",
        )
    return ok("tesseract", f"{version}, languages {', '.join(wanted)}")


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=True)
    return done.stdout or done.stderr


def check_templates(settings: Settings) -> Check:
    from notifications.render import check_templates as render_all

    folder = settings.notifications.template_dir
    where = folder or "the templates shipped with mpp"
    try:
        render_all(Path(folder) if folder else None)
    except TemplateError as exc:
        return fail("templates", str(exc), f"correct the template in {where}")
    return ok("templates", f"every reply renders ({where})")


def check_web_secret(settings: Settings) -> Check:
    name = settings.web.secret_key_env
    if len(os.environ.get(name, "")) >= 16:
        return ok("web secret", f"{name} is set")
    return warn(
        "web secret",
        f"{name} is not set (or shorter than 16 characters): staff are signed out at every "
        "restart of the web interface",
        f"set {name} to a long random value in the service's EnvironmentFile",
    )
