"""Past partnerships (para 12): the history the eligibility rules read, kept by staff.

Adding or removing one runs the rules again on that State Party's live applications; the
change is shown and audited. No reply is re-sent.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import col, select

from db import crud
from db.models import PastPartnership
from db.partnerships import exists, new_partnership, record_partnership
from intake.reevaluate import Reevaluation, reevaluate_state_parties
from web.application import Text, actor
from web.pages import back_to, flash, render
from web.state import web_state

router = APIRouter()


@router.get("/history")
def history(request: Request) -> Response:
    with web_state(request).session() as session:
        rows = session.exec(
            select(PastPartnership).order_by(
                col(PastPartnership.state_party), col(PastPartnership.completed_on)
            )
        ).all()
    return render(request, "history.html", {"rows": rows})


@router.post("/history")
def add(
    request: Request, state_party: Text, role: Text, completed_on: Text, reason: Text = ""
) -> Response:
    state = web_state(request)
    try:
        item = new_partnership(
            state_party=state_party, role=role, completed_on=completed_on, source="staff"
        )
    except ValueError as exc:
        flash(request, f"Not added: {exc}.", "error")
        return back_to("/history")
    with state.session() as session:
        if exists(session, item):
            flash(request, "That partnership is already recorded.", "error")
            return back_to("/history")
        record_partnership(session, item, actor=actor(request))
        changes = reevaluate_state_parties(
            session, {item.state_party_code}, state.settings, actor=actor(request)
        )
    flash(
        request,
        f"Added {item.state_party} ({item.role}, {item.completed_on}). " + describe(changes),
    )
    return back_to("/history")


@router.post("/history/{partnership_id}/delete")
def delete(request: Request, partnership_id: int, reason: Text = "") -> Response:
    state = web_state(request)
    with state.session() as session:
        item = session.get(PastPartnership, partnership_id)
        if item is None:
            raise HTTPException(status_code=404, detail="no such partnership")
        code, name = item.state_party_code, item.state_party
        crud.audit(
            session,
            actor=actor(request),
            entity="past_partnership",
            entity_id=item.id,
            action="deleted",
            detail={
                "state_party": name,
                "role": item.role,
                "completed_on": item.completed_on.isoformat(),
            },
            reason=reason.strip() or None,
        )
        session.delete(item)
        session.flush()
        changes = reevaluate_state_parties(session, {code}, state.settings, actor=actor(request))
    flash(request, f"Removed a past partnership of {name}. " + describe(changes))
    return back_to("/history")


def describe(changes: list[tuple[str, Reevaluation]]) -> str:
    moved = [
        f"{reference}: {change.status_before} → {change.status_after}"
        for reference, change in changes
        if change.status_before != change.status_after or change.added or change.removed
    ]
    return ("Rules ran again: " + "; ".join(moved) + ".") if moved else "No application changed."
