"""Staff alerts: one email when the worker has been in trouble for a while, one when it is over.

Three conditions are watched, each with its own state in the ``alert_state`` table:

- ``poll``: polling the mailbox has been failing (or has not succeeded) for ``after_minutes``;
- ``deliver``: delivering the outbox has been failing for ``after_minutes``;
- ``backlog``: ``backlog_threshold`` replies are overdue (unsent ``backlog_minutes`` after
  they were queued) or failed for good within ``failed_window_hours``.

``check_and_notify`` runs after every worker step. An email is claimed with a conditional
UPDATE before it is sent, so two workers sharing a database send it once; a send that fails
gives the claim back, and the next check tries again. Alerts go through the configured
transport, so when SMTP itself is down staff see the web banner (``current_alert``) instead.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.clock import utcnow
from common.settings import Settings
from db.models import Notification, WorkerHeartbeat
from db.models_ops import AlertState
from db.session import session_scope
from notifications.delivery import Transport
from ops.alert_mail import send_alert

log = logging.getLogger("mpp.alerts")

NAMES = ("poll", "deliver", "backlog")
DRY_RUN_NOTICE = "Dry run: replies are drafted but not sent, and messages stay in the mailbox."


@dataclass(frozen=True)
class Problem:
    name: str
    text: str  # the sentence staff read
    since: datetime | None  # when it began, where that is known
    wait: timedelta  # how long it must last before staff are emailed


def detect_problems(session: Session, settings: Settings, now: datetime) -> dict[str, Problem]:
    """What is wrong right now, by condition name."""
    beats = {row.name: row for row in session.exec(select(WorkerHeartbeat))}
    found = [
        _heartbeat_problem("poll", beats.get("poll"), settings, now),
        _heartbeat_problem("deliver", beats.get("deliver"), settings, now),
        None if settings.worker.dry_run else _backlog_problem(session, settings, now),
    ]
    return {problem.name: problem for problem in found if problem is not None}


def _heartbeat_problem(
    name: str, beat: WorkerHeartbeat | None, settings: Settings, now: datetime
) -> Problem | None:
    wait = timedelta(minutes=settings.alerts.after_minutes)
    what = "Polling the mailbox" if name == "poll" else "Delivering replies"
    if beat is None:
        return None
    success, failure = beat.last_success_at, beat.last_failure_at
    if failure is not None and (success is None or failure > success):
        error = " ".join((beat.last_error or "unknown error").split())[:300]
        return Problem(name, f"{what} is failing: {error}", success, wait)
    quiet = wait + timedelta(seconds=2 * settings.worker.poll_seconds)
    if name == "poll" and success is not None and now - success > quiet:
        stamp = f"{success:%Y-%m-%d %H:%M} UTC"
        return Problem(name, f"The mailbox has not been polled since {stamp}.", success, wait)
    return None


def _backlog_problem(session: Session, settings: Settings, now: datetime) -> Problem | None:
    cfg = settings.alerts
    overdue = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(
            col(Notification.status).in_(("pending", "sending")),
            col(Notification.created_at) < now - timedelta(minutes=cfg.backlog_minutes),
        )
    ).one()
    failed = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.status == "failed",
            col(Notification.created_at) >= now - timedelta(hours=cfg.failed_window_hours),
        )
    ).one()
    if overdue + failed < cfg.backlog_threshold:
        return None
    text = (
        f"{overdue} replies are waiting longer than {cfg.backlog_minutes:g} minutes and "
        f"{failed} could not be delivered in the last {cfg.failed_window_hours:g} hours."
    )
    return Problem("backlog", text, now, timedelta(0))


def active_problems(
    engine: Engine, settings: Settings, *, now: datetime | None = None
) -> list[Problem]:
    """The problems that have lasted long enough to tell staff about."""
    now = now or utcnow()
    with Session(engine) as session:
        problems = detect_problems(session, settings, now)
        states = {row.name: row for row in session.exec(select(AlertState))}
    return [p for name, p in problems.items() if _lasted(p, states.get(name), now)]


def current_alert(engine: Engine, settings: Settings, *, now: datetime | None = None) -> str | None:
    """The banner for staff: every problem that has lasted long enough, and dry run; or None."""
    texts = [problem.text for problem in active_problems(engine, settings, now=now)]
    if settings.worker.dry_run:
        texts.append(DRY_RUN_NOTICE)
    return " ".join(texts) or None


def _lasted(problem: Problem, state: AlertState | None, now: datetime) -> bool:
    began = problem.since or (state.since if state else None) or now
    return now - began >= problem.wait


def check_and_notify(
    engine: Engine, settings: Settings, transport: Transport, *, now: datetime | None = None
) -> list[str]:
    """Record the state of each condition and email staff when one starts or ends.

    Returns what was sent ("alert:poll", "recovered:poll", ...). Never raises: the worker
    calls it after every step, and alerting must not stop the work it reports on.
    """
    try:
        return _check(engine, settings, transport, now or utcnow())
    except Exception:
        log.exception("checking alerts failed")
        return []


def _check(engine: Engine, settings: Settings, transport: Transport, now: datetime) -> list[str]:
    with session_scope(engine) as session:
        problems = detect_problems(session, settings, now)
        states = {name: _track(session, name, problems.get(name), now) for name in NAMES}
    sent: list[str] = []
    if not settings.alerts.to:
        return sent
    for name, state in states.items():
        problem = problems.get(name)
        if problem is not None and state.notified_at is None and _lasted(problem, state, now):
            if not _claim_alert(engine, name, now):
                continue  # another worker sends it
            if _send(settings, transport, problem, "alert"):
                sent.append(f"alert:{name}")
            else:
                _release(engine, name, notified_at=None, since=state.since)
        elif problem is None and state.notified_at is not None:
            if not _claim_recovery(engine, name):
                continue
            recovered = Problem(name, _recovery_text(name), state.since, timedelta(0))
            if _send(settings, transport, recovered, "recovered"):
                sent.append(f"recovered:{name}")
            else:
                _release(engine, name, notified_at=state.notified_at, since=state.since)
    return sent


def _track(session: Session, name: str, problem: Problem | None, now: datetime) -> AlertState:
    """Keep when a problem began; forget a short one that never reached staff.

    Writes only when something changed, so a healthy poll costs one read.
    """
    stored = session.get(AlertState, name)
    state = stored or AlertState(name=name)
    since, detail = state.since, state.detail
    if problem is not None:
        since, detail = problem.since or state.since or now, problem.text
    elif state.notified_at is None:
        since = detail = None
    if (since, detail) != (state.since, state.detail):
        state.since, state.detail, state.updated_at = since, detail, now
        session.add(state)
        session.flush()
    snapshot = AlertState.model_validate(state.model_dump())
    if stored is not None:
        session.expunge(stored)
    return snapshot


def _claim_alert(engine: Engine, name: str, now: datetime) -> bool:
    with session_scope(engine) as session:
        result = session.execute(
            update(AlertState)
            .where(col(AlertState.name) == name, col(AlertState.notified_at).is_(None))
            .values(notified_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _claim_recovery(engine: Engine, name: str) -> bool:
    with session_scope(engine) as session:
        result = session.execute(
            update(AlertState)
            .where(col(AlertState.name) == name, col(AlertState.notified_at).is_not(None))
            .values(notified_at=None, since=None, detail=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _release(
    engine: Engine, name: str, *, notified_at: datetime | None, since: datetime | None
) -> None:
    """Give a claim back after a failed send, so the next check sends again."""
    with session_scope(engine) as session:
        session.execute(
            update(AlertState)
            .where(col(AlertState.name) == name)
            .values(notified_at=notified_at, since=since)
        )


def _send(settings: Settings, transport: Transport, problem: Problem, kind: str) -> bool:
    try:
        send_alert(settings, transport, problem.name, problem.text, problem.since, kind=kind)
    except Exception as exc:
        log.warning("could not send the %s email about %s: %s", kind, problem.name, exc)
        return False
    log.info("%s email about %s sent to %s", kind, problem.name, ", ".join(settings.alerts.to))
    return True


def _recovery_text(name: str) -> str:
    what = {"poll": "Polling the mailbox", "deliver": "Delivering replies"}.get(name)
    if what:
        return f"{what} works again (on {socket.gethostname()})."
    return "The outbox is back under its threshold."
