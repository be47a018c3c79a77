"""Keeps ``reply_recipient`` in step with ``notification.to``: after every insert of a reply,
and every update that changes its recipients, in the same transaction, whichever code wrote
it. Rows go with their reply (ON DELETE CASCADE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, insert, inspect
from sqlalchemy.engine import Connection
from sqlmodel import col

from db.models import Notification, ReplyRecipient


def _rows_for(notification_id: int, to: list[str] | None, created_at: Any) -> list[dict[str, Any]]:
    """One row per distinct address, in lower case."""
    addresses = dict.fromkeys(address.lower() for address in to or [] if address)
    return [
        {"notification_id": notification_id, "address": address[:320], "created_at": created_at}
        for address in addresses
    ]


@event.listens_for(Notification, "after_insert")
def _inserted(_mapper: Any, connection: Connection, target: Notification) -> None:
    assert target.id is not None
    _write(connection, target.id, target.to, target.created_at)


@event.listens_for(Notification, "after_update")
def _updated(_mapper: Any, connection: Connection, target: Notification) -> None:
    if not inspect(target).attrs.to.history.has_changes():
        return
    assert target.id is not None
    gone = delete(ReplyRecipient).where(col(ReplyRecipient.notification_id) == target.id)
    connection.execute(gone)
    _write(connection, target.id, target.to, target.created_at)


def _write(connection: Connection, notification_id: int, to: list[str] | None, at: Any) -> None:
    rows = _rows_for(notification_id, to, at)
    if rows:
        connection.execute(insert(ReplyRecipient), rows)
