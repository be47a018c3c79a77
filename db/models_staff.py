"""The staff workflow tables: notes, partnerships with their schedule, sign-in attempts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from common.clock import utcnow
from db.types import UtcDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UtcDateTime, **kwargs)


class Note(SQLModel, table=True):
    """A remark a staff member wrote on an application."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    author: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _when(default_factory=utcnow)


class Partnership(SQLModel, table=True):
    """A mentee paired with a mentor by staff (para 14), with its 12-month schedule."""

    id: int | None = Field(default=None, primary_key=True)
    mentee_application_id: int = Field(foreign_key="application.id", index=True)
    mentor_application_id: int = Field(foreign_key="application.id", index=True)
    mentee_state_party: str = Field(default="", max_length=255)
    mentor_state_party: str = Field(default="", max_length=255)
    mentee_region: str | None = Field(default=None, max_length=64)
    mentor_region: str | None = Field(default=None, max_length=64)
    status: str = Field(default="active", max_length=16, index=True)  # active|completed|cancelled
    starts_on: date
    ends_on: date
    created_by: str = Field(max_length=128)
    created_at: datetime = _when(default_factory=utcnow)


class PartnershipVisit(SQLModel, table=True):
    """One of the two visits of a partnership (para 5)."""

    __tablename__ = "partnership_visit"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    number: int
    planned_on: date
    communicate_by: date  # dates go to the Secretariat eight weeks ahead
    held_on: date | None = None


class PartnershipReport(SQLModel, table=True):
    """One of the three reports of a partnership (para 4): two interim, one final."""

    __tablename__ = "partnership_report"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    kind: str = Field(max_length=16)  # interim | final
    number: int
    due_on: date
    received_on: date | None = None


class LoginAttempt(SQLModel, table=True):
    """A sign-in attempt, kept to limit guessing per user name and address."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=128, index=True)
    client: str = Field(default="", max_length=64)
    success: bool = False
    at: datetime = _when(default_factory=utcnow, index=True)
