"""Matching mentees with mentors and recording a pairing with its schedule."""

from __future__ import annotations

from sqlmodel import select

from db.models import AuditEntry, PastPartnership
from db.models_staff import Partnership, PartnershipReport, PartnershipVisit
from tests.web.conftest import make_pair, post_form


def test_matching_shows_mentors_that_cover_the_mentee_areas(admin, site):
    mentee, mentor = make_pair(site)
    page = admin.get("/matching").text
    assert f"/applications/{mentee.reference}" in page
    assert f'name="mentor" value="{mentor.reference}"' in page
    assert "covers all" in page


def test_recording_a_pairing_creates_the_schedule(admin, site):
    mentee, mentor = make_pair(site)
    response = post_form(
        admin,
        "/matching/pairings",
        {"mentee": mentee.reference, "mentor": mentor.reference, "first_visit": "2025-10-01"},
        page="/matching",
    )
    assert response.status_code == 303
    with site.session() as session:
        [partnership] = session.exec(select(Partnership)).all()
        visits = session.exec(select(PartnershipVisit)).all()
        reports = session.exec(select(PartnershipReport)).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "paired")).all()
    assert response.headers["location"] == f"/partnerships/{partnership.id}"
    assert (partnership.mentee_region, partnership.created_by) == ("Africa", "admin")
    assert [v.planned_on.isoformat() for v in visits] == ["2025-10-01", "2026-01-01"]
    assert [r.kind for r in reports] == ["interim", "interim", "final"]
    assert {entry.entity_id for entry in audit} == {mentee.id, mentor.id}
    page = admin.get(f"/partnerships/{partnership.id}").text
    assert "2025-08-06" in page  # the dates of the first visit are due eight weeks ahead
    assert "eight weeks ahead, para 5" in page  # and that day has passed
    assert '<td>Africa</td><td class="num">1</td>' in admin.get("/matching").text


def test_a_paired_mentee_leaves_the_matching_list_and_cannot_be_paired_twice(admin, site):
    mentee, mentor = make_pair(site)
    form = {"mentee": mentee.reference, "mentor": mentor.reference, "first_visit": "2025-10-01"}
    post_form(admin, "/matching/pairings", form, page="/matching")
    assert f'name="mentee" value="{mentee.reference}"' not in admin.get("/matching").text
    post_form(admin, "/matching/pairings", form, page="/matching")
    with site.session() as session:
        assert len(session.exec(select(Partnership)).all()) == 1


def test_a_pairing_with_bad_input_is_refused_with_a_reason(admin, site):
    mentee, mentor = make_pair(site)
    cases = [
        (
            {"mentee": mentor.reference, "mentor": mentee.reference, "first_visit": "2025-10-01"},
            "must seek mentorship",
        ),
        (
            {"mentee": mentee.reference, "mentor": mentor.reference, "first_visit": "soon"},
            "date of the first visit",
        ),
        (
            {
                "mentee": mentee.reference,
                "mentor": mentor.reference,
                "first_visit": "2025-10-01",
                "second_visit": "2025-11-01",
            },
            "three months",
        ),
        (
            {"mentee": "NOPE", "mentor": mentor.reference, "first_visit": "2025-10-01"},
            "choose a mentee and a mentor",
        ),
    ]
    for form, reason in cases:
        post_form(admin, "/matching/pairings", form, page="/matching")
        assert reason in admin.get("/matching").text, reason
    with site.session() as session:
        assert session.exec(select(Partnership)).all() == []


def test_visits_reports_and_completion_are_recorded(admin, site):
    mentee, mentor = make_pair(site)
    url = post_form(
        admin,
        "/matching/pairings",
        {"mentee": mentee.reference, "mentor": mentor.reference, "first_visit": "2025-10-01"},
        page="/matching",
    ).headers["location"]
    with site.session() as session:
        visit = session.exec(select(PartnershipVisit)).first()
        report = session.exec(select(PartnershipReport)).first()
    post_form(admin, f"{url}/visits/{visit.id}", {"held_on": "2025-10-03"}, page=url)
    post_form(admin, f"{url}/reports/{report.id}", {"received_on": "2025-11-02"}, page=url)
    post_form(
        admin, f"{url}/status", {"status": "completed", "reason": "final report in"}, page=url
    )
    with site.session() as session:
        assert session.get(PartnershipVisit, visit.id).held_on.isoformat() == "2025-10-03"
        assert session.get(PartnershipReport, report.id).received_on.isoformat() == "2025-11-02"
        learned = session.exec(select(PastPartnership).where(PastPartnership.source == "staff"))
        assert {(row.state_party_code, row.role) for row in learned} == {
            ("MWI", "mentee"),
            ("PRT", "mentor"),
        }
    assert "partnerships" in admin.get("/partnerships").text.lower()
