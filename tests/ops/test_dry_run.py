"""Dry run with the real worker: recorded and drafted, nothing sent or moved until it is off."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from db.models import MailMessage, Notification
from intake.worker import Worker
from notifications.transport import SmtpTransport
from ops.dry_run import dry_run_notice, held_back
from tests.ops.test_alerts import imap_settings
from tests.pipeline.helpers import SAMPLES, make_settings


def smtp(smtp_server) -> SmtpTransport:
    return SmtpTransport(
        host=smtp_server.host, port=smtp_server.port, security="none", username="", password=""
    )


def statuses(engine) -> list[str]:
    from sqlmodel import Session, select

    with Session(engine) as session:
        return [row.status for row in session.exec(select(Notification))]


def messages(engine) -> int:
    from sqlmodel import Session, func, select

    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(MailMessage)).one()


def test_dry_run_on_a_maildir_holds_everything_until_switched_off(
    tmp_path, db_url, engine, smtp_server
):
    settings = make_settings(tmp_path, db_url, worker={"dry_run": True})
    inbox = mailbox.Maildir(settings.mailbox.path, create=True)
    for path in SAMPLES[:3]:
        inbox.add(path.read_bytes())
    for _ in range(2):  # a second run neither moves nor records anything twice
        poll, delivery = Worker(
            settings, engine, worker_id="w", transport=smtp(smtp_server)
        ).run_once()
        assert poll.error is None and delivery.sent == []
    assert messages(engine) == 3
    assert len(mailbox.Maildir(settings.mailbox.path, create=False)) == 3
    assert not (Path(settings.mailbox.path) / ".Processed").exists()
    assert smtp_server.messages == []
    assert "pending" in statuses(engine) and "sent" not in statuses(engine)
    assert held_back(engine).messages == 3
    assert "not sent" in (dry_run_notice(engine, settings) or "")

    live = settings.with_overrides(worker={"dry_run": False})
    poll, delivery = Worker(live, engine, worker_id="w", transport=smtp(smtp_server)).run_once()

    assert poll.error is None and messages(engine) == 3
    assert len(mailbox.Maildir(settings.mailbox.path, create=False)) == 0
    assert len(mailbox.Maildir(settings.mailbox.path, create=False).get_folder("Processed")) == 3
    assert len(smtp_server.messages) == len(delivery.sent) > 0
    assert "pending" not in statuses(engine)
    assert held_back(engine).messages == 0


@pytest.mark.imap
def test_dry_run_on_imap_moves_nothing_until_switched_off(
    tmp_path, sqlite_url, imap_mailbox, smtp_server, monkeypatch
):
    from db.session import make_engine, migrate

    monkeypatch.setenv("MPP_IMAP_PASSWORD", imap_mailbox.password)
    for path in SAMPLES[:2]:
        imap_mailbox.append("INBOX", path.read_bytes())
    settings = imap_settings(tmp_path, sqlite_url, imap_mailbox, smtp_server)
    engine = make_engine(sqlite_url)
    migrate(engine)
    dry = settings.with_overrides(worker={"dry_run": True})
    Worker(dry, engine, worker_id="w").run_once()
    assert len(imap_mailbox.list_uids("INBOX")) == 2 and smtp_server.messages == []
    assert imap_mailbox.list_uids("Processed") == []
    Worker(settings, engine, worker_id="w").run_once()
    assert imap_mailbox.list_uids("INBOX") == []
    assert len(imap_mailbox.list_uids("Processed")) == 2
    assert len(smtp_server.messages) == 2
    engine.dispose()
