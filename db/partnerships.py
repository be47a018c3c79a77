"""Past partnerships: the CSV import (state_party, role, completed_on)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from common.errors import MppError
from db import crud
from db.models import PastPartnership
from parsers.normalise import lookup_state_party

COLUMNS = ("state_party", "role", "completed_on")


@dataclass
class ImportReport:
    added: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)  # State Parties whose history changed


def import_partnerships_csv(*, session: Session, text: str, actor: str) -> ImportReport:
    """Add every valid row (re-importing is harmless); a bad row is reported, not guessed."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise MppError(f"the CSV lacks the column(s): {', '.join(missing)}")
    report = ImportReport()
    for line, row in enumerate(reader, start=2):
        try:
            item = _row(row)
        except ValueError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if exists(session, item):
            report.unchanged += 1
            continue
        record_partnership(session, item, actor=actor, action="imported")
        report.added += 1
        report.codes.add(item.state_party_code)
    return report


def record_partnership(
    session: Session, item: PastPartnership, *, actor: str, action: str = "added"
) -> None:
    session.add(item)
    session.flush()
    crud.audit(
        session,
        actor=actor,
        entity="past_partnership",
        entity_id=item.id,
        action=action,
        detail={
            "state_party": item.state_party,
            "role": item.role,
            "completed_on": item.completed_on.isoformat(),
            "source": item.source,
        },
    )


def new_partnership(
    *, state_party: str, role: str, completed_on: str, source: str
) -> PastPartnership:
    """A validated row from what staff typed; ValueError says what is wrong."""
    item = _row({"state_party": state_party, "role": role, "completed_on": completed_on})
    item.source = source
    return item


def _row(row: dict[str, str]) -> PastPartnership:
    name = (row.get("state_party") or "").strip()
    known = lookup_state_party(name) if name else None
    if known is None:
        raise ValueError(f"{name!r} is not a State Party of the Convention")
    role = (row.get("role") or "").strip().lower()
    if role not in {"mentee", "mentor"}:
        raise ValueError(f"role must be mentee or mentor, not {role!r}")
    try:
        completed = date.fromisoformat((row.get("completed_on") or "").strip())
    except ValueError:
        raise ValueError(
            f"completed_on must be YYYY-MM-DD, not {row.get('completed_on')!r}"
        ) from None
    return PastPartnership(
        state_party=known.name, state_party_code=known.code, role=role, completed_on=completed
    )


def exists(session: Session, item: PastPartnership) -> bool:
    return (
        session.exec(
            select(PastPartnership).where(
                PastPartnership.state_party_code == item.state_party_code,
                PastPartnership.role == item.role,
                PastPartnership.completed_on == item.completed_on,
            )
        ).first()
        is not None
    )
