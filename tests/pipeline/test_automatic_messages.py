"""Auto-replies and bounces are recorded and never answered; spoofed mail is never answered."""

from __future__ import annotations

import pytest

from db.models import FindingRecord
from db.session import make_engine, migrate
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import sha256_hex
from tests.pipeline.helpers import SAMPLES, Application, MailMessage, Notification, rows


def bounce() -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        b"To: ipb@opcw.org\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.example.org>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; x@example.org\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"--b--\r\n"
    )


def with_header(raw: bytes, header: bytes) -> bytes:
    return header + b"\r\n" + raw


@pytest.fixture
def ctx(tmp_path, sqlite_url):
    from tests.pipeline.helpers import make_settings

    engine = make_engine(sqlite_url)
    migrate(engine)
    yield make_context(make_settings(tmp_path, sqlite_url), engine, worker_id="t")
    engine.dispose()


def run(ctx, raw: bytes):
    return process_message(IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None), ctx)


def test_a_bounce_is_recorded_as_automatic_and_not_answered(ctx):
    result = run(ctx, bounce())
    assert result.outcome == "automatic"
    (message,) = rows(ctx.engine, MailMessage)
    assert message.is_automatic and message.state == "done"
    assert rows(ctx.engine, Application) == [] and rows(ctx.engine, Notification) == []


def test_an_auto_submitted_copy_of_an_application_is_not_answered(ctx):
    raw = with_header(SAMPLES[0].read_bytes(), b"Auto-Submitted: auto-replied")
    assert run(ctx, raw).outcome == "automatic"
    assert rows(ctx.engine, Notification) == []


@pytest.mark.parametrize(
    "header",
    [
        b"Precedence: bulk",
        b"List-Id: <national-authorities.lists.example.org>",
        b"Authentication-Results: mx1.opcw.org; spf=pass smtp.mailfrom=x; dkim=pass; dmarc=fail",
        b"Authentication-Results: mx1.opcw.org; spf=fail smtp.mailfrom=x; dkim=fail header.d=x",
    ],
)
def test_never_answered_messages_are_still_applications(ctx, header):
    result = run(ctx, with_header(SAMPLES[0].read_bytes(), header))
    assert result.outcome == "recorded"
    (application,) = rows(ctx.engine, Application)
    assert application.reply_suppressed_reason
    assert rows(ctx.engine, Notification) == []


def test_spf_failing_alone_does_not_stop_the_reply(ctx):
    header = b"Authentication-Results: mx1.opcw.org; spf=fail smtp.mailfrom=x; dkim=pass"
    run(ctx, with_header(SAMPLES[0].read_bytes(), header))
    assert len(rows(ctx.engine, Notification)) == 1


def test_needs_review_gets_a_receipt_and_a_drafted_notice_for_staff(ctx):
    raw = next(path for path in SAMPLES if "benin" in path.name).read_bytes()
    assert run(ctx, raw).status == "needs_review"
    notifications = sorted(rows(ctx.engine, Notification), key=lambda row: row.id)
    assert [(row.kind, row.status) for row in notifications] == [
        ("receipt", "pending"),
        ("incomplete", "draft"),
    ]


def test_the_per_sender_daily_limit_holds(tmp_path, sqlite_url):
    from tests.pipeline.helpers import make_settings

    engine = make_engine(sqlite_url)
    migrate(engine)
    settings = make_settings(
        tmp_path, sqlite_url, notifications={"max_replies_per_sender_per_day": 2}
    )
    ctx = make_context(settings, engine, worker_id="t")
    original = SAMPLES[0].read_bytes()
    for number in range(5):
        raw = original.replace(b"Message-ID: <", b"Message-ID: <n%d." % number, 1)
        run(ctx, raw)
    assert len(rows(engine, Application)) == 5
    assert len(rows(engine, Notification)) == 2
    suppressed = [app for app in rows(engine, Application) if app.reply_suppressed_reason]
    assert len(suppressed) == 3 and "limit" in suppressed[0].reply_suppressed_reason
    engine.dispose()


def test_rules_switched_off_in_the_configuration_do_not_fire(tmp_path, sqlite_url):
    from tests.pipeline.helpers import make_settings

    engine = make_engine(sqlite_url)
    migrate(engine)
    settings = make_settings(
        tmp_path,
        sqlite_url,
        rules={
            "disabled": ["RESULTS_FRAMEWORK_MISSING"],
            "severity": {"EXPECTED_RESULTS_MISSING": "warning"},
        },
    )
    run(make_context(settings, engine, worker_id="t"), SAMPLES[0].read_bytes())
    (application,) = rows(engine, Application)
    codes = {row.code: row.severity for row in rows(engine, FindingRecord)}
    assert "RESULTS_FRAMEWORK_MISSING" not in codes
    assert codes["EXPECTED_RESULTS_MISSING"] == "warning"
    assert application.status == "complete"
    engine.dispose()
