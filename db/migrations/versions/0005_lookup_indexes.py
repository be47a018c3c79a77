"""indexes for the lookups made for every message

Without statistics SQLite answers ``raw_sha256 = ? AND state = 'done'`` (and the Message-ID
and sender lookup) through the index on ``state``, which every finished message shares, so
each message read all the others. Indexes that hold every column of those lookups are
chosen whatever the statistics; ``notification.created_at`` bounds the per-sender count to
the last day's replies. The single-column indexes the new ones begin with are dropped: every
message updates them and nothing needs them any more.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_mail_message_same_bytes": ("mail_message", ["raw_sha256", "state"]),
    "ix_mail_message_same_id": ("mail_message", ["message_id", "sender", "state"]),
    "ix_mail_message_mailbox_uid": ("mail_message", ["folder", "uidvalidity", "uid"]),
    "ix_notification_created_at": ("notification", ["created_at"]),
}

REPLACED = {
    "ix_mail_message_raw_sha256": ("mail_message", ["raw_sha256"]),
    "ix_mail_message_message_id": ("mail_message", ["message_id"]),
    "ix_mail_message_folder": ("mail_message", ["folder"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    for name, (table, _) in REPLACED.items():
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, (table, columns) in REPLACED.items():
        op.create_index(name, table, columns)
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
