"""The triage queue: every application, needs_review first, filters, search, sorting, paging."""

from __future__ import annotations

import re
from collections import Counter

from sqlmodel import select

from db.models import FindingRecord, MailMessage
from tests.web.conftest import ingest
from web.queue_query import QueueFilters, queue_page

AUTO_REPLY = (
    b"From: Someone <someone@example.org>\r\nTo: ipb@opcw.org\r\n"
    b"Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n"
    b"Message-ID: <auto-1@example.org>\r\nDate: Mon, 05 May 2025 10:00:00 +0000\r\n\r\n"
    b"I am out of the office.\r\n"
)
ROW = re.compile(r'<a href="/applications/([^"]+)"><strong>')


def references(html: str) -> list[str]:
    return ROW.findall(html)


def test_the_queue_lists_every_application_needs_review_first(admin, site):
    apps = site.applications()
    assert len(apps) >= 10
    shown = references(admin.get("/").text)
    assert sorted(shown) == sorted(app.reference for app in apps)
    by_reference = {app.reference: app for app in apps}
    statuses = [by_reference[ref].status for ref in shown]
    reviewing = statuses.count("needs_review")
    assert statuses[:reviewing] == ["needs_review"] * reviewing


def test_filters_narrow_the_queue(admin, site):
    apps = site.applications()
    status, _ = Counter(app.status for app in apps).most_common(1)[0]
    shown = references(admin.get("/", params={"status": status}).text)
    assert sorted(shown) == sorted(app.reference for app in apps if app.status == status)
    region = next(app.region for app in apps if app.region)
    shown = references(admin.get("/", params={"region": region, "status": ""}).text)
    assert sorted(shown) == sorted(app.reference for app in apps if app.region == region)
    cycle = next(app.review_cycle for app in apps if app.review_cycle)
    mode = next(app.mode for app in apps if app.mode)
    shown = references(admin.get("/", params={"cycle": cycle, "mode": mode}).text)
    assert sorted(shown) == sorted(
        app.reference for app in apps if app.review_cycle == cycle and app.mode == mode
    )


def test_filter_by_finding_code(admin, site):
    with site.session() as session:
        finding = session.exec(select(FindingRecord).where(FindingRecord.active)).first()
        having = {
            row.application_id
            for row in session.exec(
                select(FindingRecord).where(
                    FindingRecord.code == finding.code, FindingRecord.active
                )
            )
        }
    shown = references(admin.get("/", params={"code": finding.code}).text)
    assert sorted(shown) == sorted(app.reference for app in site.applications() if app.id in having)


def test_search_finds_state_party_reference_and_sender(admin, site):
    app = next(app for app in site.applications() if app.state_party)
    assert app.reference in references(admin.get("/", params={"q": app.state_party.upper()}).text)
    assert references(admin.get("/", params={"q": app.reference}).text) == [app.reference]
    assert app.reference in references(admin.get("/", params={"q": app.sender}).text)
    assert references(admin.get("/", params={"q": "%_zz-no-such-thing"}).text) == []


def test_sorting_by_received_both_ways(admin, site):
    apps = sorted(site.applications(), key=lambda app: (app.received_at, app.id))
    ascending = references(admin.get("/", params={"sort": "received", "order": "asc"}).text)
    descending = references(admin.get("/", params={"sort": "received", "order": "desc"}).text)
    assert ascending[0] == apps[0].reference and descending[0] == apps[-1].reference


def test_paging_covers_every_application_once(site):
    with site.session() as session:
        seen, page = [], 1
        while True:
            result = queue_page(session, QueueFilters(page=page), page_size=4)
            seen += [row.application.reference for row in result.rows]
            if page >= result.pages:
                break
            page += 1
    assert sorted(seen) == sorted(app.reference for app in site.applications())


def test_odd_query_values_do_not_break_the_page(admin):
    for params in (
        {"page": "abc"},
        {"page": "-4"},
        {"sort": "'; drop"},
        {"q": "x" * 5000},
        {"status": "<b>"},
    ):
        response = admin.get("/", params=params)
        assert response.status_code == 200, params
        assert "<b>" not in response.text


def test_messages_that_are_not_applications_are_listed(admin, site):
    ingest(site, AUTO_REPLY)
    with site.session() as session:
        automatic = session.exec(select(MailMessage).where(MailMessage.is_automatic)).all()
    assert automatic
    page = admin.get("/messages").text
    for message in automatic:
        assert f'/messages/{message.id}"' in page
    assert "not an application" in admin.get("/").text
    detail = admin.get(f"/messages/{automatic[0].id}")
    assert detail.status_code == 200 and "Merge into an application" in detail.text
    assert "I am out of the office" in detail.text
