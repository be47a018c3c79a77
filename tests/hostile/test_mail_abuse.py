"""Spoofing, reply storms and header injection: nothing is answered that must not be."""

from __future__ import annotations

import mailbox
import re

import pytest
from sqlmodel import Session, select

from db.models import Application, Notification
from intake.sources.maildir import MaildirSource
from intake.worker import Worker
from notifications.transport import SmtpTransport
from tests.hostile.conftest import pipeline_context
from tests.hostile.forms import application, form_with
from tests.hostile.pipeline_run import run
from tests.intake.messages import plain

DMARC_FAIL = "mx1.opcw.org; spf=pass smtp.mailfrom=na.example.org; dkim=none; dmarc=fail"
# Every header a reply may carry; anything else would have come from the application.
REPLY_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references",
    "auto-submitted", "x-auto-response-suppress", "mime-version", "content-type",
    "content-transfer-encoding",
}  # fmt: skip


def queued(ctx) -> list[Notification]:
    with Session(ctx.engine) as session:
        rows = session.exec(select(Notification).where(Notification.status != "draft"))
        return list(rows)


def test_a_spoofed_sender_is_recorded_flagged_and_never_answered(ctx):
    recorded = run(ctx, application(Authentication_Results=DMARC_FAIL))
    assert recorded.application is not None
    assert recorded.application.state_party == "Republic of Kenya"
    assert "DMARC" in recorded.application.reply_suppressed_reason
    assert queued(ctx) == []


def test_an_auto_reply_storm_gets_no_answer(ctx):
    for number in range(50):
        raw = plain(
            subject="Automatic reply: Your application",
            message_id=f"<ooo-{number}@na.example.org>",
            sender="ana@na.example.org",
            Auto_Submitted="auto-replied",
        ).as_bytes()
        assert run(ctx, raw).result.outcome == "automatic"
    assert queued(ctx) == []


def test_unmarked_replies_in_a_loop_are_answered_at_most_the_daily_limit(ctx):
    for number in range(50):
        raw = plain(subject="Re: Your application", message_id=f"<loop-{number}@x.org>")
        run(ctx, raw.as_bytes())
    limit = ctx.settings.notifications.max_replies_per_sender_per_day
    assert len(queued(ctx)) == limit


def test_ten_applications_from_one_address_in_a_day_get_the_limit_of_replies(ctx):
    for number in range(10):
        run(ctx, application(message_id=f"<app-{number}@na.example.org>"))
    limit = ctx.settings.notifications.max_replies_per_sender_per_day
    with Session(ctx.engine) as session:
        applications = list(session.exec(select(Application)))
    assert len(applications) == 10
    assert len(queued(ctx)) == limit
    suppressed = [app for app in applications if app.reply_suppressed_reason]
    assert len(suppressed) == 10 - limit
    assert all("limit" in app.reply_suppressed_reason for app in suppressed)


def deliver_through_worker(tmp_path, smtp_server, *raws: bytes) -> Worker:
    """Put the messages in a Maildir and run the real worker once against the SMTP server."""
    ctx = pipeline_context(tmp_path, f"sqlite:///{tmp_path / 'worker.db'}")
    inbox = tmp_path / "inbox"
    box = mailbox.Maildir(inbox, create=True)
    for raw in raws:
        box.add(raw)
    transport = SmtpTransport(
        host=smtp_server.host, port=smtp_server.port, security="none", username="", password=""
    )
    worker = Worker(
        ctx.settings, ctx.engine, worker_id="w", source=MaildirSource(inbox), transport=transport
    )
    poll, delivery = worker.run_once()
    assert poll.error is None and delivery.failed == []
    return worker


INJECTION = "Evil\r\nBcc: victim@example.org"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            lambda: application(form_with(contact_person=INJECTION), message_id="<cp@x>"),
            id="contact-person",
        ),
        pytest.param(
            lambda: application(
                form_with(email_line=f"w@nacwc.go.ke\r\n{INJECTION}"), message_id="<em@x>"
            ),
            id="email-field",
        ),
        pytest.param(
            lambda: application(
                subject="=?utf-8?q?Application=0D=0ABcc=3A_victim=40example=2Eorg?="
            ),
            id="encoded-subject",
        ),
        pytest.param(
            lambda: application(sender='"Evil\\r\\nBcc: victim@example.org" <ana@na.example.org>'),
            id="sender-name",
        ),
    ],
)
def test_line_breaks_in_an_application_never_add_a_header_to_the_reply(tmp_path, smtp_server, raw):
    worker = deliver_through_worker(tmp_path, smtp_server, raw())
    (received,) = smtp_server.messages
    with Session(worker.engine) as session:
        (notification,) = session.exec(select(Notification).where(Notification.status == "sent"))
        (app,) = session.exec(select(Application))
    names = {name.lower() for name, _value in received.message.items()}
    assert names <= REPLY_HEADERS and "bcc" not in names
    assert sorted(received.envelope_to) == sorted(notification.to)
    assert set(notification.to) <= {"ana@na.example.org", *app.emails}  # chosen, not injected
    # Only an address typed in the form's email field is a contact (SPEC 5), in plain sight.
    assert ("victim@example.org" in received.envelope_to) == ("victim@example.org" in app.emails)
    visible = {address.strip().lower() for address in str(received.message["To"]).split(",")}
    assert set(received.envelope_to) == visible  # every recipient is in plain sight
    for name, value in received.message.items():
        assert not re.search(r"[\r\n]", str(value)), name
