"""The database side of taking a message exactly once.

A message is claimed by inserting its unique ``source_key`` row before any work starts;
the outcome is committed on that row; only then is the message moved in the mailbox. A
claim whose worker died is taken over once its lease has run out.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from common.clock import utcnow
from db.models import MailMessage
from intake.model import IncomingMessage


class DbLedger:
    """Implements ``intake.model.Ledger`` over the ``mail_message`` table."""

    def __init__(self, engine: Engine, *, lease_seconds: int) -> None:
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)

    def highest_uid(self, folder: str, uidvalidity: int) -> int:
        """The UID below which every message is finished: a live or dead claim holds it back."""
        where = (MailMessage.folder == folder, MailMessage.uidvalidity == uidvalidity)
        with Session(self.engine) as session:
            done = session.exec(
                select(func.max(MailMessage.uid)).where(*where, MailMessage.state != "claimed")
            ).one()
            open_claim = session.exec(
                select(func.min(MailMessage.uid)).where(*where, MailMessage.state == "claimed")
            ).one()
        highest = int(done or 0)
        if open_claim is not None:
            highest = min(highest, int(open_claim) - 1)
        return highest

    def is_taken(self, source_key: str) -> bool:
        with Session(self.engine) as session:
            row = session.exec(
                select(MailMessage).where(MailMessage.source_key == source_key)
            ).first()
        return row is not None and not self._claim_expired(row)

    def _claim_expired(self, row: MailMessage) -> bool:
        return row.state == "claimed" and row.claimed_at < utcnow() - self.lease

    def claim(self, incoming: IncomingMessage, *, raw_sha256: str, worker_id: str) -> int | None:
        """Claim the message for this worker; the row id, or None when someone else has it."""
        row = MailMessage(
            source_key=incoming.source_key,
            folder=incoming.folder,
            uidvalidity=incoming.uidvalidity,
            uid=incoming.uid,
            raw_sha256=raw_sha256,
            raw_size=len(incoming.raw),
            claimed_by=worker_id,
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            try:
                session.commit()
                return row.id  # as the INSERT returned it: no second look
            except IntegrityError:
                session.rollback()
            return self._take_over_expired(session, incoming.source_key, worker_id)

    def _take_over_expired(self, session: Session, source_key: str, worker_id: str) -> int | None:
        now = utcnow()
        result = session.execute(
            update(MailMessage)
            .where(
                col(MailMessage.source_key) == source_key,
                col(MailMessage.state) == "claimed",
                col(MailMessage.claimed_at) < now - self.lease,
            )
            .values(claimed_by=worker_id, claimed_at=now)
        )
        session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.exec(
            select(MailMessage.id).where(MailMessage.source_key == source_key)
        ).one()

    def confirm(self, session: Session, row_id: int, worker_id: str) -> MailMessage | None:
        """Renew this worker's claim in the transaction that commits the outcome; the row, in
        ``session``, to write that outcome on.

        None when the lease ran out and another worker took the message over: the outcome
        must not be committed twice. The renewal locks the row until that commit, so a
        take-over cannot slip in between.
        """
        renewed = session.scalars(
            update(MailMessage)
            .where(
                col(MailMessage.id) == row_id,
                col(MailMessage.state) == "claimed",
                col(MailMessage.claimed_by) == worker_id,
            )
            .values(claimed_at=utcnow())
            .returning(MailMessage)
        )
        return renewed.one_or_none()

    def unsettled(self, *, prefix: str, worker_id: str) -> list[MailMessage]:
        """Finished messages not yet moved in the mailbox: this worker's own (a move that
        failed) and those whose worker had a whole lease to move them (it died in between).
        A live worker's message is left to it, so no message is moved by two workers."""
        stale = utcnow() - self.lease
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(MailMessage).where(
                        MailMessage.state != "claimed",
                        col(MailMessage.settled).is_(False),
                        col(MailMessage.source_key).startswith(prefix),
                        or_(
                            col(MailMessage.claimed_by) == worker_id,
                            col(MailMessage.claimed_at) < stale,
                        ),
                    )
                )
            )

    def mark_settled(self, *message_ids: int) -> None:
        """Record that these messages were moved (one commit for all of them)."""
        if not message_ids:
            return
        with Session(self.engine) as session:
            session.execute(
                update(MailMessage).where(col(MailMessage.id).in_(message_ids)).values(settled=True)
            )
            session.commit()
