"""The per-sender count of replies, by the addresses kept beside each reply."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from common.clock import utcnow
from db import crud
from db.models import Notification, ReplyRecipient
from db.session import alembic_config


def _queue(session: Session, number: int, to: list[str], status: str = "pending") -> None:
    session.add(
        Notification(
            kind="acknowledgement",
            to=to,
            subject="s",
            body_text="t",
            message_id_header=f"<n{number}@example.org>",
            status=status,
        )
    )


def test_replies_are_counted_per_address_whatever_the_case(engine):
    with Session(engine) as session:
        _queue(session, 1, ["na@example.org"])
        _queue(session, 2, ["NA@Example.org", "other@example.org"])
        _queue(session, 3, ["xna@example.org"])  # holds the address as text, is another one
        _queue(session, 4, ["na@example.org.uk"])
        _queue(session, 5, ["na@example.org"], status="draft")  # not sent: not counted
        _queue(session, 6, ["n_a@example.org", "100%@example.org"])
        session.commit()
        since = utcnow() - timedelta(days=1)

        def count(address: str) -> int:
            return crud.replies_to_address_since(session=session, address=address, since=since)

        assert count("na@example.org") == 2
        assert count("Na@EXAMPLE.org") == 2
        assert count("other@example.org") == 1
        assert count("nxa@example.org") == 0  # the _ of LIKE must not match any character
        assert count("n_a@example.org") == 1
        assert count("100%@example.org") == 1
        assert (
            crud.replies_to_address_since(
                session=session, address="na@example.org", since=utcnow() + timedelta(seconds=5)
            )
            == 0
        )


def test_addresses_json_escapes_are_still_counted(engine):
    with Session(engine) as session:
        _queue(session, 1, ["zoë@exämple.org"])
        _queue(session, 2, ['"odd\\name"@example.org'])
        _queue(session, 3, ["plain@example.org", "ZOË@exämple.org"])
        session.commit()
        since = utcnow() - timedelta(days=1)

        def count(address: str) -> int:
            return crud.replies_to_address_since(session=session, address=address, since=since)

        assert count("zoë@exämple.org") == 2
        assert count('"odd\\name"@example.org') == 1
        assert count("plain@example.org") == 1


def _count(session: Session, address: str) -> int:
    since = utcnow() - timedelta(days=1)
    return crud.replies_to_address_since(session=session, address=address, since=since)


def test_a_reply_whose_recipients_change_is_counted_for_the_new_ones(engine):
    with Session(engine) as session:
        _queue(session, 1, ["old@example.org", "kept@example.org"])
        session.commit()
        reply = session.exec(select(Notification)).one()
        reply.to = ["New@example.org", "kept@example.org"]
        session.add(reply)
        session.commit()
        assert _count(session, "old@example.org") == 0
        assert _count(session, "new@example.org") == 1
        assert _count(session, "kept@example.org") == 1
        reply.status = "sent"  # not a change of recipients: the rows stay as they are
        session.add(reply)
        session.commit()
        assert _count(session, "new@example.org") == 1


def test_replies_deleted_in_bulk_take_their_addresses_with_them(engine):
    with Session(engine) as session:
        _queue(session, 1, ["a@example.org", "b@example.org"])
        _queue(session, 2, ["a@example.org"])
        session.commit()
        first = session.exec(select(Notification.id).order_by(col(Notification.id))).first()
        session.execute(delete(Notification).where(col(Notification.id) == first))
        session.commit()
        rows = session.exec(select(ReplyRecipient.address)).all()
        assert rows == ["a@example.org"]


def test_the_migration_lists_the_addresses_of_replies_made_before_it(engine):
    command.downgrade(alembic_config(engine), "0005")
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(Notification.__table__),  # type: ignore[attr-defined]
            [
                {
                    "kind": "acknowledgement",
                    "to": to,
                    "subject": "s",
                    "body_text": "t",
                    "message_id_header": f"<old{number}@example.org>",
                    "attach_blank_forms": False,
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for number, to in enumerate([["A@example.org", "a@example.org"], ["b@example.org"]])
            ],
        )
    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as session:
        assert _count(session, "a@example.org") == 1
        assert _count(session, "b@example.org") == 1
