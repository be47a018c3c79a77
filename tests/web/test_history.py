"""Staff keep the past partnerships; each change runs the rules again."""

from __future__ import annotations

from sqlmodel import select

from db.models import Application, AuditEntry, PastPartnership
from tests.web.conftest import post_form


def mongolia(site) -> Application:  # type: ignore[no-untyped-def]
    return next(app for app in site.applications() if app.state_party_code == "MNG")


def test_adding_and_removing_history_reevaluates_the_application(reviewer, site):
    assert mongolia(site).status == "complete"
    added = post_form(
        reviewer,
        "/history",
        {"state_party": "Mongolia", "role": "mentee", "completed_on": "2023-09-24"},
        page="/history",
    )
    assert added.status_code == 303
    assert mongolia(site).status == "ineligible"
    page = reviewer.get("/history").text
    assert "MNG" in page and "2023-09-24" in page
    with site.session() as session:
        row = session.exec(select(PastPartnership)).one()
        assert row.source == "staff"
        actions = {entry.action for entry in session.exec(select(AuditEntry))}
    assert {"added", "reevaluated"} <= actions

    removed = post_form(reviewer, f"/history/{row.id}/delete", page="/history")
    assert removed.status_code == 303
    assert mongolia(site).status == "complete"


def test_a_bad_state_party_is_refused_with_a_message(reviewer, site):
    post_form(
        reviewer,
        "/history",
        {"state_party": "Atlantis", "role": "mentee", "completed_on": "2020-01-01"},
        page="/history",
    )
    assert "Atlantis" in reviewer.get("/history").text
    with site.session() as session:
        assert session.exec(select(PastPartnership)).all() == []
