"""``mpp purge``: applications older than the retention period are deleted or anonymised.

Deleting removes an application with its message, documents, fields, findings, replies,
notes and audit entries, and the stored files no other record needs. An application that
staff paired in a partnership is anonymised instead, so the partnership keeps its two sides.
Messages that are no application (auto-replies, duplicates, failures) age the same way.
Past partnerships are separate records and stay, so the eligibility rules keep working.
One audit entry records each purge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select, update

from common.clock import utcnow
from db import crud
from db.models import (
    Application,
    AuditEntry,
    Document,
    ExtractedField,
    FindingRecord,
    MailMessage,
    Notification,
)
from db.models_staff import Note, Partnership
from db.session import session_scope
from intake.storage import BlobStore
from ops.anonymise import ANONYMISED, StoredFile, anonymise_applications, anonymise_messages

log = logging.getLogger("mpp.retention")


@dataclass
class PurgeReport:
    cutoff: datetime
    anonymise: bool
    dry_run: bool
    applications: list[str] = field(default_factory=list)  # references, oldest first
    anonymised_instead: list[str] = field(default_factory=list)  # kept for a partnership
    messages: int = 0
    files: int = 0  # stored files removed (or that would be)


@dataclass
class _Plan:
    deleting: dict[int, str]  # application id -> reference
    anonymising: dict[int, str]  # in delete mode: those in a partnership
    messages: set[int]  # messages with no application that go (or are anonymised)


def purge(
    engine: Engine,
    storage: Path,
    *,
    older_than_days: int,
    anonymise: bool = False,
    dry_run: bool = False,
    actor: str = "cli",
    now: datetime | None = None,
) -> PurgeReport:
    """Delete (or anonymise) what was received before ``now - older_than_days``.

    With ``dry_run`` everything is worked out in a transaction that is rolled back.
    """
    if older_than_days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    report = PurgeReport(cutoff=cutoff, anonymise=anonymise, dry_run=dry_run)
    with session_scope(engine) as session:
        plan = _plan(session, cutoff, anonymise=anonymise)
        report.applications = sorted({**plan.deleting, **plan.anonymising}.values())
        report.anonymised_instead = [] if anonymise else sorted(plan.anonymising.values())
        files = anonymise_applications(session, list(plan.anonymising))
        if anonymise:
            files |= anonymise_messages(session, plan.messages)
        else:
            files |= _delete(session, list(plan.deleting), plan.messages)
        report.messages = len(plan.messages) + len(report.applications)
        removable = _unreferenced(session, files)
        _audit_purge(session, report, older_than_days, actor)
        if dry_run:
            session.rollback()
    report.files = len(removable) if dry_run else _remove_files(BlobStore(storage), removable)
    return report


def _plan(session: Session, cutoff: datetime, *, anonymise: bool) -> _Plan:
    query = select(Application.id, Application.reference).where(
        col(Application.received_at) < cutoff
    )
    if anonymise:
        query = query.where(col(Application.id).not_in(_marked("application")))
    rows = [(i, ref) for i, ref in session.exec(query).all() if i is not None]
    paired = set() if anonymise else _in_partnerships(session)
    going = {i: ref for i, ref in rows if i not in paired}
    kept = {i: ref for i, ref in rows if i in paired}
    deleting, anonymising = ({}, going) if anonymise else (going, kept)
    lone = _lone_messages(session, cutoff, skip_anonymised=anonymise)
    return _Plan(deleting, anonymising, lone - _still_needed(session, going))


def _marked(entity: str) -> Any:
    return select(AuditEntry.entity_id).where(
        AuditEntry.entity == entity, AuditEntry.action == ANONYMISED
    )


def _in_partnerships(session: Session) -> set[int]:
    pairs = session.exec(
        select(Partnership.mentee_application_id, Partnership.mentor_application_id)
    ).all()
    return {app_id for pair in pairs for app_id in pair}


def _lone_messages(session: Session, cutoff: datetime, *, skip_anonymised: bool) -> set[int]:
    """Old messages that are no application and are not being processed right now."""
    query = select(MailMessage.id).where(
        func.coalesce(MailMessage.received_at, MailMessage.created_at) < cutoff,
        MailMessage.state != "claimed",
        col(MailMessage.id).not_in(select(Application.mail_message_id)),
    )
    if skip_anonymised:
        query = query.where(col(MailMessage.id).not_in(_marked("message")))
    return {row for row in session.exec(query).all() if row is not None}


def _still_needed(session: Session, going: dict[int, str]) -> set[int]:
    """Messages whose documents belong to an application that stays (a merged follow-up)."""
    rows = session.exec(
        select(Document.mail_message_id).where(
            col(Document.application_id).is_not(None),
            col(Document.application_id).not_in(list(going)),
        )
    ).all()
    return set(rows)


def _delete(session: Session, app_ids: list[int], lone: set[int]) -> set[StoredFile]:
    """Delete the applications, their messages and everything hanging from them."""
    message_ids = sorted(
        lone
        | set(
            session.exec(
                select(Application.mail_message_id).where(col(Application.id).in_(app_ids))
            )
        )
    )
    documents = or_(
        col(Document.application_id).in_(app_ids), col(Document.mail_message_id).in_(message_ids)
    )
    replies = or_(
        col(Notification.application_id).in_(app_ids),
        col(Notification.mail_message_id).in_(message_ids),
    )
    raw = session.exec(select(MailMessage.raw_sha256).where(col(MailMessage.id).in_(message_ids)))
    files = {("raw", sha) for sha in raw}
    files |= {("blobs", sha) for sha in session.exec(select(Document.sha256).where(documents))}
    audited = {
        "application": app_ids,
        "message": message_ids,
        "notification": [i for i in session.exec(select(Notification.id).where(replies)) if i],
    }
    _run(
        session,
        update(Application)
        .where(col(Application.superseded_by_id).in_(app_ids))
        .values(superseded_by_id=None),
    )
    for model in (ExtractedField, FindingRecord, Note):
        _run(session, delete(model).where(col(model.application_id).in_(app_ids)))
    _run(session, delete(Notification).where(replies))
    _run(session, delete(Document).where(documents))
    _run(session, delete(Application).where(col(Application.id).in_(app_ids)))
    _run(session, delete(MailMessage).where(col(MailMessage.id).in_(message_ids)))
    for entity, ids in audited.items():
        _run(
            session,
            delete(AuditEntry).where(
                col(AuditEntry.entity) == entity, col(AuditEntry.entity_id).in_(ids)
            ),
        )
    return files


def _run(session: Session, statement: Any) -> None:
    session.execute(statement)


def _audit_purge(session: Session, report: PurgeReport, days: int, actor: str) -> None:
    crud.audit(
        session,
        actor=actor,
        entity="retention",
        entity_id=None,
        action="anonymise" if report.anonymise else "purge",
        detail={
            "older_than_days": days,
            "cutoff": report.cutoff.isoformat(),
            "applications": report.applications,
            "anonymised_instead": report.anonymised_instead,
            "messages": report.messages,
        },
    )


def _unreferenced(session: Session, candidates: set[StoredFile]) -> set[StoredFile]:
    """Candidates no remaining, not anonymised record needs (files are shared by content)."""
    kept_raw = set(
        session.exec(
            select(MailMessage.raw_sha256).where(col(MailMessage.id).not_in(_marked("message")))
        )
    )
    kept_blobs = set(
        session.exec(
            select(Document.sha256).where(
                col(Document.mail_message_id).not_in(_marked("message")),
                or_(
                    col(Document.application_id).is_(None),
                    col(Document.application_id).not_in(_marked("application")),
                ),
            )
        )
    )
    return {
        (kind, sha)
        for kind, sha in candidates
        if sha not in (kept_raw if kind == "raw" else kept_blobs)
    }


def _remove_files(store: BlobStore, files: set[StoredFile]) -> int:
    removed = 0
    for kind, sha in sorted(files):
        try:
            store.path_for(kind, sha).unlink()
            removed += 1
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            log.warning("could not remove the stored file %s/%s: %s", kind, sha, exc)
    return removed
