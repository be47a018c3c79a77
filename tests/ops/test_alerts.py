"""Alerts: one email when polling has failed for a while, one when it works again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from common.clock import utcnow
from db.models import Notification, WorkerHeartbeat
from db.models_ops import AlertState
from db.session import make_engine, session_scope
from intake.worker import Worker
from notifications.transport import FileTransport
from ops.alerts import check_and_notify, current_alert
from tests.pipeline.helpers import make_settings

STAFF = "ops-team@opcw.org"
THRESHOLD = 3.0  # seconds polling must fail before staff are emailed


def imap_settings(tmp_path, db_url, dovecot, smtp_server, **alerts):
    return make_settings(
        tmp_path,
        db_url,
        mailbox={
            "source": "imap",
            "host": dovecot.host,
            "port": dovecot.port,
            "security": "none",
            "username": dovecot.user,
            "timeout_seconds": 5,
            "idle": False,
        },
        notifications={
            "transport": "smtp",
            "smtp_host": smtp_server.host,
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
        },
        alerts={"to": [STAFF], "after_minutes": THRESHOLD / 60, **alerts},
    )


@pytest.mark.imap
def test_dovecot_down_gives_one_alert_then_one_recovery_email(
    tmp_path, db_url, engine, imap_mailbox, smtp_server, monkeypatch
):
    monkeypatch.setenv("MPP_IMAP_PASSWORD", imap_mailbox.password)
    settings = imap_settings(tmp_path, db_url, imap_mailbox, smtp_server)
    worker = Worker(settings, engine, worker_id="w-alerts")

    def step(w: Worker = worker) -> str | None:
        poll, _delivery = w.run_once()  # polls, delivers, then checks the alerts
        return poll.error

    try:
        assert step() is None
        last_success = time.monotonic()
        imap_mailbox.stop()
        worker.source.close()  # a stopped server's sessions end too
        assert step() is not None
        assert smtp_server.messages == []  # failing, but not for long enough yet
        time.sleep(max(0.0, last_success + THRESHOLD + 0.2 - time.monotonic()))
        for _ in range(3):
            assert step() is not None
        assert len(smtp_server.messages) == 1
        restarted = make_engine(settings.database.url)  # a restart must not alert again
        assert step(Worker(settings, restarted, worker_id="w-alerts-2")) is not None
        restarted.dispose()
        assert len(smtp_server.messages) == 1
        assert "Polling the mailbox is failing" in (current_alert(engine, settings) or "")
    finally:
        if imap_mailbox.process is None:
            imap_mailbox.start()
    assert step() is None
    step()
    alert, recovery = smtp_server.messages
    assert alert.envelope_to == [STAFF] == recovery.envelope_to
    assert alert.envelope_from == settings.notifications.from_address
    assert "not being read" in alert.message["Subject"]
    assert "mpp doctor" in alert.message.get_content()
    assert "read again" in recovery.message["Subject"]
    assert current_alert(engine, settings) is None


def beat(engine, name, *, ok_minutes_ago=None, failed_minutes_ago=None, error="boom"):
    now = utcnow()
    with session_scope(engine) as session:
        row = session.get(WorkerHeartbeat, name) or WorkerHeartbeat(name=name)
        if ok_minutes_ago is not None:
            row.last_success_at = now - timedelta(minutes=ok_minutes_ago)
        if failed_minutes_ago is not None:
            row.last_failure_at = now - timedelta(minutes=failed_minutes_ago)
            row.last_error = error
        session.add(row)


def sent_files(outbox) -> list:
    return sorted(outbox.glob("*.eml")) if outbox.exists() else []


def test_a_short_failure_is_forgotten_without_email(tmp_path, local_settings, local_engine):
    settings = local_settings.with_overrides(alerts={"to": [STAFF], "after_minutes": 30})
    transport = FileTransport(tmp_path / "alerts")
    beat(local_engine, "poll", ok_minutes_ago=5, failed_minutes_ago=1)
    assert check_and_notify(local_engine, settings, transport) == []
    assert current_alert(local_engine, settings) is None
    beat(local_engine, "poll", ok_minutes_ago=0)
    assert check_and_notify(local_engine, settings, transport) == []
    with session_scope(local_engine) as session:
        assert session.get(AlertState, "poll").since is None
    assert sent_files(tmp_path / "alerts") == []


def test_failed_send_is_tried_again_at_the_next_check(tmp_path, local_settings, local_engine):
    settings = local_settings.with_overrides(alerts={"to": [STAFF], "after_minutes": 10})
    beat(local_engine, "deliver", ok_minutes_ago=60, failed_minutes_ago=1, error="SMTP 454")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the outbox folder should be")
    assert check_and_notify(local_engine, settings, FileTransport(blocked)) == []
    working = FileTransport(tmp_path / "alerts")
    assert check_and_notify(local_engine, settings, working) == ["alert:deliver"]
    assert check_and_notify(local_engine, settings, working) == []
    (email,) = sent_files(tmp_path / "alerts")
    assert b"SMTP 454" in email.read_bytes()


def test_outbox_backlog_alerts_at_its_threshold(tmp_path, settings, engine):
    settings = settings.with_overrides(
        alerts={"to": [STAFF], "backlog_minutes": 60, "backlog_threshold": 3}
    )
    old = utcnow() - timedelta(hours=2)
    with session_scope(engine) as session:
        for number, status in enumerate(["pending", "pending", "sending", "failed", "sent"]):
            session.add(
                Notification(
                    kind="acknowledgement",
                    to=["x@example.org"],
                    subject="s",
                    body_text="t",
                    message_id_header=f"<n{number}@x>",
                    status=status,
                    created_at=old if number < 2 else utcnow(),
                )
            )
    transport = FileTransport(tmp_path / "alerts")
    # two overdue pending + one failed = 3; the fresh "sending" and the "sent" do not count
    assert check_and_notify(engine, settings, transport) == ["alert:backlog"]
    assert "2 replies are waiting" in (current_alert(engine, settings) or "")
    with session_scope(engine) as session:
        for row in session.exec(select(Notification)):
            row.status = "sent"
            session.add(row)
    assert check_and_notify(engine, settings, transport) == ["recovered:backlog"]
    assert len(sent_files(tmp_path / "alerts")) == 2


def test_without_addresses_nothing_is_sent_but_the_banner_shows(
    tmp_path, local_settings, local_engine
):
    settings = local_settings.with_overrides(alerts={"after_minutes": 1})
    beat(
        local_engine, "poll", ok_minutes_ago=90, failed_minutes_ago=0, error="IMAP sign-in refused"
    )
    assert check_and_notify(local_engine, settings, FileTransport(tmp_path / "alerts")) == []
    assert "IMAP sign-in refused" in (current_alert(local_engine, settings) or "")


def test_a_worker_that_stopped_polling_is_reported(local_settings, local_engine):
    beat(local_engine, "poll", ok_minutes_ago=120)
    assert "has not been polled since" in (current_alert(local_engine, local_settings) or "")


def test_dry_run_is_shown_and_held_replies_are_no_backlog(tmp_path, local_settings, local_engine):
    settings = local_settings.with_overrides(
        worker={"dry_run": True}, alerts={"to": [STAFF], "backlog_threshold": 1}
    )
    with session_scope(local_engine) as session:
        session.add(
            Notification(
                kind="acknowledgement",
                to=["x@example.org"],
                subject="s",
                body_text="t",
                message_id_header="<held@x>",
                created_at=utcnow() - timedelta(days=2),
            )
        )
    assert check_and_notify(local_engine, settings, FileTransport(tmp_path / "alerts")) == []
    assert (current_alert(local_engine, settings) or "").startswith("Dry run")
