"""Matching (``/matching``) and the partnerships staff record from it (``/partnerships``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from common.clock import utcnow
from db import crud
from db.models import Application
from db.models_staff import Partnership, PartnershipReport, PartnershipVisit
from rules.cycle import review_date
from web.application import actor
from web.matching import match, regional_balance
from web.pages import back_to, flash, render
from web.partnership_data import (
    complete_in_mode,
    create_partnership,
    learn_completion,
    pair_problem,
)
from web.schedule import NOTICE, ScheduleError, earliest_first_visit, plan
from web.state import web_state

router = APIRouter()
Text = Annotated[str, Form()]
PARTNERSHIP_STATUSES = ("active", "completed", "cancelled")


def today(request: Request) -> date:
    return utcnow().astimezone(ZoneInfo(web_state(request).settings.programme.timezone)).date()


@router.get("/matching")
def matching(request: Request) -> Response:
    with web_state(request).session() as session:
        partnerships = list(session.exec(select(Partnership).order_by(col(Partnership.id))))
        paired = {p.mentee_application_id for p in partnerships if p.status == "active"}
        mentees = [app for app in complete_in_mode(session, "seeking") if app.id not in paired]
        matches = match(mentees, complete_in_mode(session, "offering"), partnerships)
    earliest = {
        item.mentee.reference: earliest_first_visit(today(request), _review_on(item.mentee))
        for item in matches
    }
    return render(
        request,
        "matching.html",
        {
            "matches": matches,
            "balance": regional_balance(partnerships),
            "earliest": earliest,
            "partnerships": partnerships,
        },
    )


def _review_on(application: Application) -> date | None:
    try:
        return review_date(application.review_cycle) if application.review_cycle else None
    except ValueError:
        return None


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@router.post("/matching/pairings")
def record_pairing(
    request: Request, mentee: Text, mentor: Text, first_visit: Text, second_visit: Text = ""
) -> Response:
    first = _parse_day(first_visit)
    with web_state(request).session() as session:
        mentee_app = crud.get_application(session=session, reference=mentee.strip())
        mentor_app = crud.get_application(session=session, reference=mentor.strip())
        problem = pair_problem(session, mentee_app, mentor_app)
        if problem is None and first is None:
            problem = "give the date of the first visit (YYYY-MM-DD)"
        try:
            schedule = plan(first, _parse_day(second_visit)) if first else None
        except ScheduleError as exc:
            problem = problem or str(exc)
        if problem or mentee_app is None or mentor_app is None or schedule is None:
            flash(request, f"Not recorded: {problem}.", "error")
            return back_to("/matching")
        partnership = create_partnership(
            session, mentee=mentee_app, mentor=mentor_app, schedule=schedule, actor=actor(request)
        )
    flash(
        request,
        f"Partnership recorded: {partnership.mentee_state_party or mentee} with "
        f"{partnership.mentor_state_party or mentor}.",
    )
    first_notice = partnership.starts_on - NOTICE
    if first_notice < today(request):
        flash(
            request,
            f"The dates of the first visit were due at the Secretariat by "
            f"{first_notice.isoformat()} (eight weeks ahead, para 5).",
            "warn",
        )
    return back_to(f"/partnerships/{partnership.id}")


@router.get("/partnerships")
def partnerships(request: Request) -> Response:
    with web_state(request).session() as session:
        rows = list(session.exec(select(Partnership).order_by(col(Partnership.starts_on))))
    return render(
        request, "partnerships.html", {"partnerships": rows, "balance": regional_balance(rows)}
    )


def _load(session: Session, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise HTTPException(status_code=404, detail="no such partnership")
    return partnership


@router.get("/partnerships/{partnership_id}")
def partnership_page(request: Request, partnership_id: int) -> Response:
    with web_state(request).session() as session:
        partnership = _load(session, partnership_id)
        context = {
            "p": partnership,
            "mentee": session.get(Application, partnership.mentee_application_id),
            "mentor": session.get(Application, partnership.mentor_application_id),
            "visits": session.exec(
                select(PartnershipVisit)
                .where(PartnershipVisit.partnership_id == partnership_id)
                .order_by(col(PartnershipVisit.number))
            ).all(),
            "reports": session.exec(
                select(PartnershipReport)
                .where(PartnershipReport.partnership_id == partnership_id)
                .order_by(col(PartnershipReport.number))
            ).all(),
            "history": crud.audit_entries(
                session=session, entity="partnership", entity_id=partnership_id
            ),
            "statuses": PARTNERSHIP_STATUSES,
            "today": today(request),
        }
    return render(request, "partnership.html", context)


@router.post("/partnerships/{partnership_id}/visits/{visit_id}")
def visit_held(request: Request, partnership_id: int, visit_id: int, held_on: Text) -> Response:
    return _record_date(request, partnership_id, PartnershipVisit, visit_id, "held_on", held_on)


@router.post("/partnerships/{partnership_id}/reports/{report_id}")
def report_received(
    request: Request, partnership_id: int, report_id: int, received_on: Text
) -> Response:
    return _record_date(
        request, partnership_id, PartnershipReport, report_id, "received_on", received_on
    )


def _record_date(
    request: Request,
    partnership_id: int,
    model: type[PartnershipVisit] | type[PartnershipReport],
    row_id: int,
    name: str,
    text: str,
) -> Response:
    day = _parse_day(text)
    page = f"/partnerships/{partnership_id}"
    if day is None:
        flash(request, "Not saved: give a date (YYYY-MM-DD).", "error")
        return back_to(page)
    with web_state(request).session() as session:
        row = session.get(model, row_id)
        if not isinstance(row, PartnershipVisit | PartnershipReport) or (
            row.partnership_id != partnership_id
        ):
            raise HTTPException(status_code=404, detail="no such visit or report")
        setattr(row, name, day)
        session.add(row)
        crud.audit(
            session,
            actor=actor(request),
            entity="partnership",
            entity_id=partnership_id,
            action=name,
            detail={"number": row.number, "date": day.isoformat()},
        )
    flash(request, "Saved.")
    return back_to(page)


@router.post("/partnerships/{partnership_id}/status")
def partnership_status(
    request: Request, partnership_id: int, status: Text, reason: Text = ""
) -> Response:
    page = f"/partnerships/{partnership_id}"
    if status not in PARTNERSHIP_STATUSES:
        flash(request, "Not saved: choose a status.", "error")
        return back_to(page)
    with web_state(request).session() as session:
        partnership = _load(session, partnership_id)
        before, partnership.status = partnership.status, status
        session.add(partnership)
        if status == "completed" and before != "completed":
            learn_completion(session, partnership, today(request))
        crud.audit(
            session,
            actor=actor(request),
            entity="partnership",
            entity_id=partnership_id,
            action="status",
            detail={"from": before, "to": status},
            reason=reason.strip() or None,
        )
    flash(request, f"Partnership {status}.")
    return back_to(page)
