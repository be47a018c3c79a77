"""Limiting password guessing: failed sign-ins per user name and address, and per address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from common.clock import utcnow
from db.models_staff import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5  # for one user name from one address
MAX_FAILURES_PER_CLIENT = 30  # for any user names from one address
KEEP = timedelta(days=1)


def is_locked(session: Session, *, username: str, client: str) -> bool:
    """True when too many sign-ins failed recently for this user name and address.

    Failures before the user's last successful sign-in from that address do not count.
    """
    since = utcnow() - WINDOW
    last_success = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.client == client,
            col(LoginAttempt.success).is_(True),
        )
    ).one()
    failures = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(col(LoginAttempt.success).is_(False), LoginAttempt.client == client)
    )
    user_since = max(since, last_success) if last_success else since
    for_user = session.exec(
        failures.where(LoginAttempt.username == username, col(LoginAttempt.at) >= user_since)
    ).one()
    if for_user >= MAX_FAILURES_PER_USER:
        return True
    return session.exec(failures.where(col(LoginAttempt.at) >= since)).one() >= (
        MAX_FAILURES_PER_CLIENT
    )


def record_attempt(session: Session, *, username: str, client: str, success: bool) -> None:
    """Keep this attempt; attempts older than a day are of no use and are dropped."""
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < utcnow() - KEEP))
    session.add(LoginAttempt(username=username, client=client, success=success))
