"""The per-sender count of replies: the database narrows the rows, Python compares exactly."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from common.clock import utcnow
from db import crud
from db.models import Notification


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
