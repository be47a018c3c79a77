"""Dry run for a first deployment (``[worker] dry_run = true``).

The worker reads and records the mailbox and queues every reply, but sends nothing and
moves no message, so staff can compare mpp's decisions with their own before it answers
anyone. When it is switched off, the next run moves the recorded messages and sends the
queued replies. The worker and ``deliver_due`` read ``settings.worker.dry_run``; this
module says what is being held back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.settings import Settings
from db.models import MailMessage, Notification


@dataclass(frozen=True)
class HeldBack:
    messages: int  # recorded but still in the inbox
    replies: int  # queued but not sent

    def describe(self) -> str:
        return (
            f"dry run: {self.replies} replies queued and not sent, "
            f"{self.messages} messages recorded and left in the mailbox"
        )


def held_back(engine: Engine) -> HeldBack:
    with Session(engine) as session:
        messages = session.exec(
            select(func.count())
            .select_from(MailMessage)
            .where(col(MailMessage.settled).is_(False), MailMessage.state != "claimed")
        ).one()
        replies = session.exec(
            select(func.count())
            .select_from(Notification)
            .where(col(Notification.status).in_(("pending", "sending")))
        ).one()
    return HeldBack(messages=messages, replies=replies)


def dry_run_notice(engine: Engine, settings: Settings) -> str | None:
    """A line for ``mpp doctor`` and the logs while dry run is on, else None."""
    if not settings.worker.dry_run:
        return None
    return held_back(engine).describe()
