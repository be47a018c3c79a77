"""One function per command; each returns the process exit code."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
import sys
from contextlib import closing
from pathlib import Path

from sqlmodel import Session, select

from cli.app import App, configure_logging, open_app
from common.errors import MppError
from common.passwords import hash_password
from db.export import export_applications
from db.models import StaffUser
from db.partnerships import import_partnerships_csv
from db.session import session_scope
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.reevaluate import reevaluate_state_parties
from intake.sources.maildir import iter_eml_paths
from intake.storage import sha256_hex
from notifications.delivery import deliver_due, make_transport


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def init(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    Path(app.settings.storage.path).mkdir(parents=True, exist_ok=True)
    print(f"database ready: {app.settings.database.url}")
    return 0


def ingest(args: argparse.Namespace) -> int:
    app = open_app(args.config, verbose=args.verbose)
    check_templates(app)
    ctx = make_context(app.settings, app.engine, worker_id=worker_id())
    counts: dict[str, int] = {}
    for path in iter_eml_paths([Path(p) for p in args.paths]):
        raw = path.read_bytes()
        incoming = IncomingMessage(
            source_key=f"sha256:{sha256_hex(raw)}", raw=raw, received_at=None
        )
        result = process_message(incoming, ctx)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        print(
            f"{path.name}: {result.outcome} {result.reference or ''} {result.status or ''}".rstrip()
        )
    if not args.no_send:
        with closing(make_transport(app.settings)) as transport:
            report = deliver_due(app.engine, transport, app.settings)
        print(
            f"replies sent: {len(report.sent)}, retrying: {len(report.retrying)}, "
            f"failed: {len(report.failed)}"
        )
    print("messages: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))
    return 0


def export(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    with Session(app.engine) as session:
        items = export_applications(session=session, review_cycle=args.cycle)
    if args.format == "json":
        text = json.dumps(items, ensure_ascii=False, indent=2)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    from db.export_tables import write_csv, write_xlsx

    if args.format == "csv":
        write_csv(items, args.output)
        return 0
    if not args.output:
        raise MppError("--output FILE is required for xlsx")
    write_xlsx(items, args.output)
    return 0


def partnerships(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    path = Path(args.file)
    if not path.is_file():
        raise MppError(f"no such file: {path}")
    with session_scope(app.engine) as session:
        report = import_partnerships_csv(
            session=session, text=path.read_text(encoding="utf-8"), actor="cli"
        )
        changes = reevaluate_state_parties(session, report.codes, app.settings, actor="cli")
    print(f"past partnerships: {report.added} added, {report.unchanged} already known")
    for reference, change in changes:
        if change.added or change.removed or change.status_before != change.status_after:
            print(
                f"  {reference}: {change.status_before} -> {change.status_after}"
                f" (new findings: {', '.join(change.added) or 'none'};"
                f" gone: {', '.join(change.removed) or 'none'})"
            )
    for error in report.errors:
        print(f"  skipped {error}", file=sys.stderr)
    return 1 if report.errors else 0


def run(args: argparse.Namespace) -> int:
    from intake.worker import Worker

    app = open_app(args.config, verbose=args.verbose)
    check_templates(app)
    worker = Worker(app.settings, app.engine, worker_id=worker_id())
    if args.once:
        poll, delivery = worker.run_once()
        print(
            f"messages: {len(poll.results)}, replies sent: {len(delivery.sent)}"
            + (f", poll error: {poll.error}" if poll.error else "")
        )
        return 1 if poll.error else 0
    worker.run_forever()
    return 0


def serve(args: argparse.Namespace) -> int:
    from web.server import serve as serve_web

    app = open_app(args.config, verbose=args.verbose)
    serve_web(app.settings, app.engine, host=args.host, port=args.port)
    return 0


def users(args: argparse.Namespace) -> int:
    app = open_app(args.config)
    with session_scope(app.engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.username == args.name)).first()
        if args.action == "disable":
            if user is None:
                raise MppError(f"no such user: {args.name}")
            user.active = False
            session.add(user)
            print(f"disabled {args.name}")
            return 0
        password = os.environ.get("MPP_PASSWORD") or getpass.getpass(f"password for {args.name}: ")
        if len(password) < 8:
            raise MppError("the password must have at least 8 characters")
        user = user or StaffUser(username=args.name, password_hash="")
        user.password_hash, user.role, user.active = hash_password(password), args.role, True
        session.add(user)
    print(f"user {args.name} ({args.role}) ready")
    return 0


def demo(args: argparse.Namespace) -> int:
    from cli.demo import run_demo

    configure_logging(args.verbose)
    return run_demo(Path(args.dir), serve_after=not args.no_serve, port=args.port)


def check_templates(app: App) -> None:
    from notifications.render import check_templates as check

    check(
        Path(app.settings.notifications.template_dir)
        if app.settings.notifications.template_dir
        else None
    )


def doctor(args: argparse.Namespace) -> int:
    from ops.doctor import run_doctor

    return run_doctor(args.config, out=sys.stdout)


def _settings_and_engine(config: str | None) -> App:
    """Settings and an engine without migrating: backups see the schema as it is."""
    from common.settings import load_settings
    from db.session import make_engine

    settings = load_settings(config)
    return App(settings, make_engine(settings.database.url, echo=settings.database.echo))


def backup(args: argparse.Namespace) -> int:
    from ops.backup import create_backup

    app = _settings_and_engine(args.config)
    report = create_backup(app.engine, Path(app.settings.storage.path), Path(args.file))
    rows = sum(report.tables.values())
    print(
        f"backup written: {report.path} (schema {report.revision}, {rows} rows in "
        f"{len(report.tables)} tables, {report.files} stored files, {report.bytes} bytes)"
    )
    for name in report.damaged:
        print(f"  warning: stored file {name} does not match its sha256", file=sys.stderr)
    return 0


def restore(args: argparse.Namespace) -> int:
    from ops.restore import restore_backup

    app = _settings_and_engine(args.config)
    report = restore_backup(
        app.engine, Path(app.settings.storage.path), Path(args.file), force=args.force
    )
    print(
        f"restored schema {report.revision}: {sum(report.tables.values())} rows, "
        f"{report.files} stored files; database migrated to the newest schema"
    )
    return 0


def purge(args: argparse.Namespace) -> int:
    from ops.retention import purge as run_purge

    app = open_app(args.config)
    days = args.older_than_days
    days = app.settings.retention.days if days is None else days
    if days <= 0:
        print("retention is off ([retention] days = 0): nothing purged")
        return 0
    anonymise = args.anonymise or app.settings.retention.anonymise
    report = run_purge(
        app.engine,
        Path(app.settings.storage.path),
        older_than_days=days,
        anonymise=anonymise,
        dry_run=args.dry_run,
    )
    verb = "would be" if report.dry_run else "were"
    action = "anonymised" if report.anonymise else "deleted"
    print(f"received before {report.cutoff:%Y-%m-%d %H:%M} UTC:")
    for reference in report.applications:
        kept = reference in report.anonymised_instead
        print(f"  {reference}: {'anonymised (in a partnership)' if kept else action}")
    print(
        f"{len(report.applications)} applications and {report.messages} messages {verb} "
        f"{action}; {report.files} stored files {verb} removed"
    )
    return 0


def alerts(args: argparse.Namespace) -> int:
    from ops.alerts import check_and_notify, current_alert

    app = open_app(args.config, verbose=args.verbose)
    if args.notify:
        with closing(make_transport(app.settings)) as transport:
            for sent in check_and_notify(app.engine, app.settings, transport):
                print(f"sent: {sent}")
    alert = current_alert(app.engine, app.settings)
    print(alert or "no alert")
    return 1 if alert else 0
