"""Replies written by staff: drafted from the templates, edited, sent through the outbox."""

from __future__ import annotations

import email
from email import policy

from sqlmodel import select

from db.models import AuditEntry, Notification
from tests.web.conftest import post_form


def replies(site, app) -> list[Notification]:  # type: ignore[no-untyped-def]
    with site.session() as session:
        return list(
            session.exec(
                select(Notification)
                .where(Notification.application_id == app.id)
                .order_by(Notification.id)
            )
        )


def test_draft_edit_and_send_a_reply(admin, site):
    app = next(a for a in site.applications() if a.sender)
    page = f"/applications/{app.reference}"
    before = len(replies(site, app))
    response = post_form(admin, f"{page}/replies", {"kind": "incomplete"}, page=page)
    draft_url = response.headers["location"]
    draft = replies(site, app)[-1]
    assert len(replies(site, app)) == before + 1
    assert draft.status == "draft" and draft.kind == "incomplete"
    assert app.reference in draft.subject or app.reference in draft.body_text
    assert draft_url == f"{page}/replies/{draft.id}"
    preview = admin.get(draft_url).text
    assert "Edit the draft" in preview and "Send now" in preview

    post_form(
        admin,
        f"{draft_url}/edit",
        {
            "to": "na@example.org, not-an-address",
            "subject": "About your application",
            "body_text": "Dear colleague,\n\nPlease send <Annex 2>.\n",
        },
        page=draft_url,
    )
    edited = replies(site, app)[-1]
    assert edited.to == ["na@example.org"] and edited.subject == "About your application"
    assert "&lt;Annex 2&gt;" in edited.body_html

    post_form(admin, f"{draft_url}/send", page=draft_url)
    sent = replies(site, app)[-1]
    assert sent.status == "sent" and sent.sent_at is not None
    files = list((site.folder / "outbox").rglob("*.eml"))
    bodies = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    mine = [m for m in bodies if m["Subject"] == "About your application"]
    assert len(mine) == 1 and mine[0]["To"] == "na@example.org"
    assert "Please send <Annex 2>." in mine[0].get_body(("plain",)).get_content()
    with site.session() as session:
        actions = {
            row.action
            for row in session.exec(
                select(AuditEntry).where(
                    AuditEntry.entity == "notification", AuditEntry.entity_id == sent.id
                )
            )
        }
    assert {"drafted", "edited", "send_requested", "sent"} <= actions
    assert "Reply sent." in admin.get(page).text


def test_a_sent_reply_cannot_be_edited_or_sent_again(admin, site):
    app = site.applications()[0]
    page = f"/applications/{app.reference}"
    url = post_form(admin, f"{page}/replies", {"kind": "receipt"}, page=page).headers["location"]
    post_form(admin, f"{url}/send", page=url)
    sent = replies(site, app)[-1]
    post_form(
        admin, f"{url}/edit", {"to": "x@example.org", "subject": "s", "body_text": "t"}, page=url
    )
    post_form(admin, f"{url}/send", page=url)
    after = replies(site, app)[-1]
    assert (after.status, after.subject, after.to) == ("sent", sent.subject, sent.to)
    copies = [
        path
        for path in (site.folder / "outbox").rglob("*.eml")
        if sent.message_id_header.encode() in path.read_bytes()
    ]
    assert len(copies) == 1


def test_a_discarded_draft_is_not_exported(admin, site):
    app = site.applications()[0]
    page = f"/applications/{app.reference}"
    url = post_form(admin, f"{page}/replies", {"kind": "receipt"}, page=page).headers["location"]
    post_form(admin, f"{url}/cancel", page=url)
    assert replies(site, app)[-1].status == "cancelled"
    bad = post_form(admin, f"{page}/replies", {"kind": "love-letter"}, page=page)
    assert bad.headers["location"] == page
    assert replies(site, app)[-1].status == "cancelled"
