"""Operations tables: the state of each staff alert, so a restart neither repeats nor loses one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from common.clock import utcnow
from db.types import UtcDateTime


class AlertState(SQLModel, table=True):
    """One watched condition ("poll", "deliver", "backlog").

    ``since`` is when the problem was first seen (null: healthy); ``notified_at`` is when
    staff were emailed about it (null: not yet), so each problem gives one alert email and,
    once over, one recovery email.
    """

    __tablename__ = "alert_state"

    name: str = Field(primary_key=True, max_length=64)
    since: datetime | None = Field(default=None, sa_type=UtcDateTime)
    notified_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
