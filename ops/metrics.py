"""Prometheus metrics, in the text exposition format, read from the database.

Every value is a gauge computed at scrape time, so any process (the web interface, a
script) can serve them and several workers add up without coordination. The names of the
web interface's first ``/metrics`` are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from common.clock import utcnow
from db.models import Application, MailMessage, Notification, WorkerHeartbeat
from db.models_ops import AlertState
from ops.alerts import NAMES as ALERT_NAMES

APPLICATION_STATUSES = ("complete", "incomplete", "ineligible", "needs_review", "superseded")
REPLY_STATUSES = ("pending", "sending", "sent", "failed", "draft", "cancelled")
MESSAGE_STATES = ("claimed", "done", "duplicate", "failed")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Sample = tuple[dict[str, str], float]


def render_metrics(engine: Engine, *, dry_run: bool | None = None) -> str:
    """Every metric as Prometheus text; ``dry_run`` (the setting) adds ``mpp_dry_run``."""
    with Session(engine) as session:
        lines: list[str] = []
        for name, help_text, samples in _families(session):
            _family(lines, name, help_text, samples)
    if dry_run is not None:
        _family(lines, "mpp_dry_run", "1 while replies are held back (dry run).", [({}, dry_run)])
    return "\n".join(lines) + "\n"


def _families(session: Session) -> Iterable[tuple[str, str, list[Sample]]]:
    messages = _grouped(session, col(MailMessage.state), MailMessage)
    applications = _grouped(session, col(Application.status), Application)
    replies = _grouped(session, col(Notification.status), Notification)
    yield (
        "mpp_messages",
        "Messages taken from the mailbox, by state.",
        _by("state", MESSAGE_STATES, messages),
    )
    yield (
        "mpp_messages_failed",
        "Messages the pipeline could not process.",
        [({}, messages.get("failed", 0))],
    )
    yield (
        "mpp_messages_automatic",
        "Auto-replies and bounces recorded (no application).",
        [({}, _automatic(session))],
    )
    yield (
        "mpp_applications",
        "Applications by status.",
        _by("status", APPLICATION_STATUSES, applications),
    )
    yield "mpp_replies", "Replies by delivery status.", _by("status", REPLY_STATUSES, replies)
    backlog = replies.get("pending", 0) + replies.get("sending", 0)
    yield "mpp_outbox_backlog", "Replies waiting to be sent (pending or sending).", [({}, backlog)]
    yield (
        "mpp_outbox_oldest_pending_age_seconds",
        "Age of the oldest unsent reply (0: none).",
        [({}, _oldest_pending_age(session))],
    )
    yield from _heartbeats(session)
    alerts = {row.name: row.notified_at is not None for row in session.exec(select(AlertState))}
    yield (
        "mpp_alert_active",
        "1 while staff have been alerted about a condition.",
        [({"name": n}, alerts.get(n, False)) for n in ALERT_NAMES],
    )


def _heartbeats(session: Session) -> Iterable[tuple[str, str, list[Sample]]]:
    beats = {row.name: row for row in session.exec(select(WorkerHeartbeat))}
    for name in ("poll", "deliver"):
        beat = beats.get(name)
        for outcome, attribute in (
            ("successful", "last_success_at"),
            ("failed", "last_failure_at"),
        ):
            moment = getattr(beat, attribute) if beat else None
            yield (
                f"mpp_last_{outcome}_{name}_timestamp_seconds",
                f"Unix time of the last {outcome} {name} (0: never).",
                [({}, _timestamp(moment))],
            )
        duration = beat.last_duration_seconds if beat else None
        yield (
            f"mpp_last_{name}_duration_seconds",
            f"How long the last {name} took, success or not (0: never).",
            [({}, duration or 0.0)],
        )


def _grouped(session: Session, column: object, model: type[SQLModel]) -> dict[str, int]:
    rows = session.exec(select(column, func.count()).select_from(model).group_by(column)).all()  # type: ignore[call-overload]
    return {str(key): count for key, count in rows}


def _automatic(session: Session) -> int:
    query = select(func.count()).select_from(MailMessage).where(col(MailMessage.is_automatic))
    return session.exec(query).one()


def _oldest_pending_age(session: Session) -> float:
    oldest = session.exec(
        select(func.min(Notification.created_at)).where(col(Notification.status) == "pending")
    ).one()
    return max((utcnow() - oldest).total_seconds(), 0.0) if oldest else 0.0


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _by(label: str, known: tuple[str, ...], counts: dict[str, int]) -> list[Sample]:
    """One sample per known value (0 when absent) and per unexpected value found."""
    values = list(known) + sorted(set(counts) - set(known))
    return [({label: value}, counts.get(value, 0)) for value in values]


def _family(lines: list[str], name: str, help_text: str, samples: list[Sample]) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{_labels(labels)} {_number(value)}" for labels, value in samples]


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items()) + "}"


def _escape(value: str) -> str:
    """A label value as the exposition format wants it: backslash, quote, newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)
