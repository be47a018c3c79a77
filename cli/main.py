"""The ``mpp`` command line (SPEC section 6)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cli import commands
from common.errors import MppError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpp", description=__doc__)
    parser.add_argument("--config", help="TOML configuration file (default: $MPP_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create the database schema and storage folders")

    ingest = sub.add_parser(
        "ingest", help="run .eml files, folders or Maildirs through the pipeline"
    )
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--no-send", action="store_true", help="queue replies but do not deliver")

    export = sub.add_parser("export", help="print every application")
    export.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    export.add_argument("--cycle", help="only this review cycle, e.g. 2025-Q2")
    export.add_argument("--output", help="file to write (required for xlsx)")

    partnerships = sub.add_parser("partnerships", help="past partnerships")
    psub = partnerships.add_subparsers(dest="action", required=True)
    imp = psub.add_parser("import", help="load a CSV: state_party, role, completed_on")
    imp.add_argument("file")

    run = sub.add_parser("run", help="the scheduled worker: poll, process, reply")
    run.add_argument("--once", action="store_true", help="one poll and delivery, then exit")

    serve = sub.add_parser("serve", help="the staff web interface")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    users = sub.add_parser("users", help="staff accounts")
    usub = users.add_subparsers(dest="action", required=True)
    add = usub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", choices=["reviewer", "admin"], default="reviewer")
    disable = usub.add_parser("disable")
    disable.add_argument("name")

    demo = sub.add_parser("demo", help="process the sample emails into ./demo and serve them")
    demo.add_argument("--dir", default="demo")
    demo.add_argument("--no-serve", action="store_true")
    demo.add_argument("--port", type=int, default=8000)
    _add_operations(sub)
    return parser


def _add_operations(sub: argparse._SubParsersAction) -> None:
    """Commands for running mpp in production (see docs/operations.md)."""
    sub.add_parser("doctor", help="check configuration, database, mailbox, SMTP, storage, tools")
    backup = sub.add_parser("backup", help="write the database and stored files to a .tar.gz")
    backup.add_argument("file")
    restore = sub.add_parser("restore", help="restore a backup into an empty database and storage")
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true", help="replace data that is there")
    purge = sub.add_parser("purge", help="delete or anonymise applications past retention")
    purge.add_argument("--older-than-days", type=int, help="default: [retention] days")
    purge.add_argument("--dry-run", action="store_true", help="only list what would go")
    purge.add_argument("--anonymise", action="store_true", help="anonymise instead of deleting")
    alerts = sub.add_parser("alerts", help="show the current alert; --notify emails staff")
    alerts.add_argument("--notify", action="store_true", help="send due alert emails")


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": commands.init,
    "ingest": commands.ingest,
    "export": commands.export,
    "partnerships": commands.partnerships,
    "run": commands.run,
    "serve": commands.serve,
    "users": commands.users,
    "demo": commands.demo,
    "doctor": commands.doctor,
    "backup": commands.backup,
    "restore": commands.restore,
    "purge": commands.purge,
    "alerts": commands.alerts,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except MppError as exc:
        print(f"mpp: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
