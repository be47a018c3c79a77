"""The application page and its actions: correct, override, decide, note, merge."""

from __future__ import annotations

import html

from sqlmodel import select

from db import crud
from db.models import Application, AuditEntry, Document, FindingRecord
from db.models_staff import Note
from tests.web.conftest import post_form

XSS = "<script>alert(1)</script>"


def with_form(site) -> Application:  # type: ignore[no-untyped-def]
    """An application whose form was read: it has a justification and documents."""
    with site.session() as session:
        for app in site.applications():
            documents = session.exec(select(Document).where(Document.application_id == app.id))
            if app.justification and app.state_party and list(documents):
                return app
    raise AssertionError("no sample application has a readable form")


def active_codes(site, app: Application) -> set[str]:  # type: ignore[no-untyped-def]
    with site.session() as session:
        rows = session.exec(
            select(FindingRecord).where(
                FindingRecord.application_id == app.id, FindingRecord.active
            )
        )
        return {row.code for row in rows}


def audit_of(site, app: Application, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with site.session() as session:
        return crud.audit_entries(
            session=session, entity="application", entity_id=app.id, action=action
        )


def test_the_page_shows_fields_documents_findings_and_message(admin, site):
    app = with_form(site)
    page = admin.get(f"/applications/{app.reference}")
    assert page.status_code == 200
    text = page.text
    assert html.escape(app.state_party) in text
    assert "Extracted fields" in text and "Documents" in text and "Findings" in text
    with site.session() as session:
        document = session.exec(select(Document).where(Document.application_id == app.id)).first()
    assert f"/documents/{document.id}/download" in text
    for code in active_codes(site, app):
        assert code in text


def test_correcting_a_field_runs_the_rules_again(admin, site):
    app = with_form(site)
    assert "JUSTIFICATION_MISSING" not in active_codes(site, app)
    page = f"/applications/{app.reference}"
    response = post_form(
        admin,
        f"{page}/fields",
        {"field": "justification", "value": "", "reason": "read it wrong"},
        page=page,
    )
    assert response.status_code == 303
    assert "JUSTIFICATION_MISSING" in active_codes(site, app)
    shown = admin.get(page).text
    assert "New findings: JUSTIFICATION_MISSING" in shown
    [entry] = audit_of(site, app, "field_corrected")
    assert entry.actor == "admin" and entry.reason == "read it wrong"
    assert entry.detail["field"] == "justification" and entry.detail["to"] is None
    post_form(
        admin, f"{page}/fields", {"field": "justification", "value": app.justification}, page=page
    )
    assert "JUSTIFICATION_MISSING" not in active_codes(site, app)
    assert "Earlier findings" in admin.get(page).text


def test_a_wrong_value_is_refused_without_a_change(admin, site):
    app = with_form(site)
    page = f"/applications/{app.reference}"
    post_form(admin, f"{page}/fields", {"field": "signature_date", "value": "yesterday"}, page=page)
    assert "the date is written YYYY-MM-DD" in admin.get(page).text
    assert audit_of(site, app, "field_corrected") == []
    response = post_form(admin, f"{page}/fields", {"field": "reference", "value": "x"}, page=page)
    assert response.status_code == 303 and audit_of(site, app, "field_corrected") == []


def test_extracted_values_are_shown_as_text_never_as_markup(admin, site):
    app = with_form(site)
    page = f"/applications/{app.reference}"
    post_form(admin, f"{page}/fields", {"field": "contact_person", "value": XSS}, page=page)
    post_form(admin, f"{page}/notes", {"text": XSS}, page=page)
    text = admin.get(page).text
    assert XSS not in text
    assert html.escape(XSS) in text or "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert XSS not in admin.get("/", params={"q": "script"}).text


def test_overriding_a_finding_needs_a_reason_and_is_audited(admin, site):
    app = next(a for a in site.applications() if active_codes(site, a))
    page = f"/applications/{app.reference}"
    with site.session() as session:
        finding = session.exec(
            select(FindingRecord).where(
                FindingRecord.application_id == app.id, FindingRecord.active
            )
        ).first()
    url = f"{page}/findings/{finding.id}/override"
    post_form(admin, url, {"reason": "  "}, page=page)
    with site.session() as session:
        assert not session.get(FindingRecord, finding.id).overridden
    post_form(admin, url, {"reason": "the annex came by fax"}, page=page)
    with site.session() as session:
        row = session.get(FindingRecord, finding.id)
    assert row.overridden and row.override_reason == "the annex came by fax"
    [entry] = audit_of(site, app, "finding_overridden")
    assert entry.detail == {"code": finding.code} and entry.actor == "admin"
    assert "Override reason: the annex came by fax" in admin.get(page).text


def test_changing_the_status_records_who_and_why(reviewer, site):
    app = site.applications()[0]
    page = f"/applications/{app.reference}"
    target = "ineligible" if app.status != "ineligible" else "complete"
    post_form(reviewer, f"{page}/status", {"status": "nonsense", "reason": "x"}, page=page)
    post_form(reviewer, f"{page}/status", {"status": target, "reason": ""}, page=page)
    assert audit_of(site, app, "status") == []
    post_form(reviewer, f"{page}/status", {"status": target, "reason": "board decision"}, page=page)
    with site.session() as session:
        assert session.get(Application, app.id).status == target
    [entry] = audit_of(site, app, "status")
    assert (entry.actor, entry.reason, entry.detail["to"]) == ("reviewer", "board decision", target)


def test_notes_are_kept_and_shown(admin, site):
    app = site.applications()[1]
    page = f"/applications/{app.reference}"
    post_form(admin, f"{page}/notes", {"text": "Called the NA; form follows."}, page=page)
    with site.session() as session:
        [note] = session.exec(select(Note).where(Note.application_id == app.id)).all()
    assert note.author == "admin"
    assert "Called the NA; form follows." in admin.get(page).text
    assert audit_of(site, app, "note_added")


def test_merging_a_follow_up_moves_documents_and_supersedes_it(admin, site):
    target, follow_up = site.applications()[0], site.applications()[1]
    page = f"/applications/{target.reference}"
    with site.session() as session:
        moved = session.exec(
            select(Document).where(Document.mail_message_id == follow_up.mail_message_id)
        ).all()
    response = post_form(
        admin, f"{page}/merge", {"message_id": str(follow_up.mail_message_id)}, page=page
    )
    assert response.status_code == 303
    with site.session() as session:
        assert session.get(Application, follow_up.id).status == "superseded"
        assert session.get(Application, follow_up.id).superseded_by_id == target.id
        for document in moved:
            assert session.get(Document, document.id).application_id == target.id
    assert audit_of(site, target, "message_merged")
    assert audit_of(site, target, "reevaluated")
    again = post_form(
        admin, f"{page}/merge", {"message_id": str(follow_up.mail_message_id)}, page=page
    )
    assert again.status_code == 303
    assert "merged already" in admin.get(page).text
    own = post_form(admin, f"{page}/merge", {"message_id": str(target.mail_message_id)}, page=page)
    assert own.status_code == 303 and "own message" in admin.get(page).text


def test_unknown_things_give_a_clear_404(admin):
    response = admin.get("/applications/NO-SUCH-REF")
    assert response.status_code == 404 and "no application NO-SUCH-REF" in response.text
    assert admin.get("/documents/999999/download").status_code == 404
    assert admin.get("/partnerships/999999").status_code == 404
