"""reply_recipient: the addresses of each reply, for the per-sender daily limit

The limit counted the replies of the last day whose recipient list held the address as
text, so every message read the whole day's outbox: on a busy day each message cost more
than the one before. One row per address of each reply, indexed by (address, created_at),
makes it a lookup. Rows are kept by ``db.reply_recipients`` and go with their reply.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    recipients = op.create_table(
        "reply_recipient",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey("notification.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", db.types.UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reply_recipient_notification_id", "reply_recipient", ["notification_id"])
    op.create_index("ix_reply_recipient_address_at", "reply_recipient", ["address", "created_at"])
    notification = sa.table(
        "notification",
        sa.column("id", sa.Integer()),
        sa.column("to", sa.JSON()),
        sa.column("created_at", db.types.UtcDateTime(timezone=True)),
    )
    replies = op.get_bind().execute(
        sa.select(notification.c.id, notification.c.to, notification.c.created_at)
    )
    rows: list[dict] = []
    for reply_id, to, created_at in replies:
        for address in dict.fromkeys(item.lower() for item in to or [] if item):
            rows.append(
                {"notification_id": reply_id, "address": address[:320], "created_at": created_at}
            )
        if len(rows) >= _BATCH:
            op.bulk_insert(recipients, rows)
            rows = []
    if rows:
        op.bulk_insert(recipients, rows)


def downgrade() -> None:
    op.drop_table("reply_recipient")
