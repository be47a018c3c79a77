"""``mpp doctor``: check everything mpp needs, one line per check: OK, WARN or FAIL.

WARN is something to look at that does not stop mpp; FAIL stops it, and the command exits
with 1. Every line that is not OK says how to fix it. The doctor changes nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TextIO

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from common.errors import ConfigError
from common.settings import Settings, load_settings
from ops.alerts import active_problems
from ops.check_result import Check, fail, first_line, ok, warn
from ops.checks_local import (
    check_libreoffice,
    check_storage,
    check_templates,
    check_tesseract,
    check_web_secret,
    open_database,
)
from ops.checks_mail import check_mailbox, check_smtp
from ops.dry_run import dry_run_notice

log = logging.getLogger("mpp.doctor")


def run_doctor(config: str | None, *, out: TextIO) -> int:
    """Load the configuration, run every check, print them; 1 when any check failed."""
    source = config or os.environ.get("MPP_CONFIG") or "built-in defaults"
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        print(
            fail(
                "config", str(exc), "correct the file; config.example.toml documents every key"
            ).line(),
            file=out,
        )
        return 1
    checks = [ok("config", f"{source} loaded")]
    checks += run_checks(settings)
    for check in checks:
        print(check.line(), file=out)
    failed = sum(check.level == "FAIL" for check in checks)
    warned = sum(check.level == "WARN" for check in checks)
    print(f"{len(checks)} checks: {failed} failed, {warned} warnings", file=out)
    return 1 if failed else 0


def run_checks(settings: Settings) -> list[Check]:
    """Every check after the configuration; one that crashes is reported, not raised."""
    database, engine = open_database(settings)
    checks = [database]
    steps: list[tuple[str, Callable[[Settings], Check | list[Check]]]] = [
        ("mailbox", check_mailbox),
        ("smtp", check_smtp),
        ("storage", check_storage),
        ("libreoffice", check_libreoffice),
        ("tesseract", check_tesseract),
        ("templates", check_templates),
        ("web secret", check_web_secret),
        ("alerts", check_alert_addresses),
    ]
    for name, step in steps:
        checks += _guarded(name, step, settings)
    if engine is not None:
        if database.level == "OK":
            checks += _worker_state(engine, settings)
        engine.dispose()
    return checks


def _guarded(
    name: str, step: Callable[[Settings], Check | list[Check]], settings: Settings
) -> list[Check]:
    try:
        result = step(settings)
    except Exception as exc:
        log.debug("check %s crashed", name, exc_info=True)
        return [fail(name, f"the check itself failed: {first_line(exc)!r}")]
    return result if isinstance(result, list) else [result]


def check_alert_addresses(settings: Settings) -> Check:
    if settings.alerts.to:
        return ok("alerts", f"sent to {', '.join(settings.alerts.to)}")
    return warn(
        "alerts",
        "no addresses: nobody is emailed when polling or sending fails",
        'set [alerts] to = ["..."]',
    )


def _worker_state(engine: Engine, settings: Settings) -> list[Check]:
    try:
        problems = active_problems(engine, settings)
        notice = dry_run_notice(engine, settings)
    except SQLAlchemyError as exc:
        return [fail("worker", f"cannot read the worker's state: {first_line(exc)}")]
    checks = [
        warn("worker", problem.text, "see the worker's log (journalctl -u mpp-worker)")
        for problem in problems
    ]
    if notice:
        checks.append(warn("dry run", notice, "set [worker] dry_run = false when staff agree"))
    return checks or [ok("worker", "no alert")]
