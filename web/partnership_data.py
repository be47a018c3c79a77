"""The partnership records: who may be paired, creating a partnership with its schedule,
and what a completed one teaches the eligibility rules."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from db import crud
from db.models import Application, PastPartnership
from db.models_staff import Partnership, PartnershipReport, PartnershipVisit
from web.schedule import Schedule


def row_id(row: Application | Partnership) -> int:
    if row.id is None:
        raise ValueError("the row has no id yet")
    return row.id


def complete_in_mode(session: Session, mode: str) -> list[Application]:
    return list(
        session.exec(
            select(Application)
            .where(Application.status == "complete", Application.mode == mode)
            .order_by(col(Application.received_at))
        )
    )


def pair_problem(
    session: Session, mentee: Application | None, mentor: Application | None
) -> str | None:
    if mentee is None or mentor is None:
        return "choose a mentee and a mentor"
    if mentee.mode != "seeking" or mentor.mode != "offering":
        return "the mentee must seek mentorship and the mentor offer it"
    if mentee.status != "complete" or mentor.status != "complete":
        return "both applications must be complete"
    active = session.exec(
        select(Partnership).where(
            Partnership.mentee_application_id == mentee.id, Partnership.status == "active"
        )
    ).first()
    return "this mentee already has an active partnership" if active else None


def create_partnership(
    session: Session, *, mentee: Application, mentor: Application, schedule: Schedule, actor: str
) -> Partnership:
    """A partnership with its two visits and three reports; audited on both applications."""
    partnership = Partnership(
        mentee_application_id=row_id(mentee),
        mentor_application_id=row_id(mentor),
        mentee_state_party=mentee.state_party or "",
        mentor_state_party=mentor.state_party or "",
        mentee_region=mentee.region,
        mentor_region=mentor.region,
        starts_on=schedule.starts_on,
        ends_on=schedule.ends_on,
        created_by=actor,
    )
    session.add(partnership)
    session.flush()
    session.add_all(schedule_rows(row_id(partnership), schedule))
    detail = {
        "partnership": partnership.id,
        "mentee": mentee.reference,
        "mentor": mentor.reference,
        "first_visit": schedule.starts_on.isoformat(),
    }
    for entity, entity_id, action in (
        ("application", mentee.id, "paired"),
        ("application", mentor.id, "paired"),
        ("partnership", partnership.id, "created"),
    ):
        crud.audit(
            session, actor=actor, entity=entity, entity_id=entity_id, action=action, detail=detail
        )
    return partnership


def schedule_rows(
    partnership_id: int, schedule: Schedule
) -> list[PartnershipVisit | PartnershipReport]:
    visits: list[PartnershipVisit | PartnershipReport] = [
        PartnershipVisit(
            partnership_id=partnership_id,
            number=visit.number,
            planned_on=visit.planned_on,
            communicate_by=visit.communicate_by,
        )
        for visit in schedule.visits
    ]
    return visits + [
        PartnershipReport(
            partnership_id=partnership_id,
            kind=report.kind,
            number=report.number,
            due_on=report.due_on,
        )
        for report in schedule.reports
    ]


def learn_completion(session: Session, partnership: Partnership, completed_on: date) -> None:
    """A completed partnership becomes history the eligibility rules read (para 12)."""
    for role, app_id in (
        ("mentee", partnership.mentee_application_id),
        ("mentor", partnership.mentor_application_id),
    ):
        app = session.get(Application, app_id)
        if app is None or not app.state_party_code:
            continue
        known = session.exec(
            select(PastPartnership).where(
                PastPartnership.state_party_code == app.state_party_code,
                PastPartnership.role == role,
                PastPartnership.completed_on == completed_on,
            )
        ).first()
        if known is None:
            session.add(
                PastPartnership(
                    state_party=app.state_party or app.state_party_code,
                    state_party_code=app.state_party_code,
                    role=role,
                    completed_on=completed_on,
                    source="staff",
                )
            )
