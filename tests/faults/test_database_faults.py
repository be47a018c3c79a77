"""Database faults: the SQLite file locked by another process, PostgreSQL restarted."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from db.models import MailMessage
from db.session import make_engine, migrate
from intake.worker import Worker
from tests.faults.checks import HookedStore, assert_each_once, make_worker
from tests.faults.mail_factory import generate
from tests.faults.mailbox_tools import append_many
from tests.faults.parts import imap_settings, imap_source, smtp_transport
from tests.faults.sqlite_lock import LockHolder
from tests.fixtures.ci import require
from tests.pipeline.helpers import rows

pytestmark = pytest.mark.imap


def sqlite_worker(tmp_path, imap_mailbox, smtp_server, *, busy: float, lease: int) -> Worker:
    url = f"sqlite:///{tmp_path / 'mpp.db'}"
    engine = make_engine(url, busy_timeout_seconds=busy)
    migrate(engine)
    settings = imap_settings(tmp_path, url, mailbox={"claim_lease_seconds": lease})
    return Worker(
        settings,
        engine,
        worker_id="w",
        source=imap_source(imap_mailbox),
        transport=smtp_transport(smtp_server),
    )


def test_a_lock_shorter_than_the_busy_timeout_only_makes_the_worker_wait(
    tmp_path, imap_mailbox, smtp_server
):
    mails = generate(3, seed=31)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    worker = sqlite_worker(tmp_path, imap_mailbox, smtp_server, busy=30.0, lease=600)
    holder = LockHolder(tmp_path / "mpp.db", seconds=3.0)
    holder.start()
    try:
        started = time.monotonic()
        poll, _ = worker.run_once()
        waited = time.monotonic() - started
        holder.wait()
    finally:
        holder.kill()
        worker.engine.dispose()
    assert poll.error is None and waited >= 2.5
    assert_each_once(worker, imap_mailbox, mails, smtp_server)


def test_a_lock_longer_than_the_busy_timeout_fails_the_poll_cleanly_then_the_next_succeeds(
    tmp_path, imap_mailbox, smtp_server
):
    mails = generate(4, seed=32)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    worker = sqlite_worker(tmp_path, imap_mailbox, smtp_server, busy=0.5, lease=1)
    holder = LockHolder(tmp_path / "mpp.db", seconds=2.0)
    worker.ctx.store = HookedStore(worker.settings.storage.path, nth=1, hook=holder.start)
    try:
        failed, _ = worker.run_once()
        stuck = rows(worker.engine, MailMessage)
        holder.wait()
        time.sleep(1.1)  # the claim left behind expires
        recovered, _ = worker.run_once()
    finally:
        holder.kill()
        worker.engine.dispose()
    assert failed.error is not None and "locked" in failed.error
    assert [m.state for m in stuck] == ["claimed"]
    assert recovered.error is None and len(recovered.results) == len(mails)
    assert_each_once(worker, imap_mailbox, mails, smtp_server)


def pg_ctl(action: str) -> None:
    """Stop or start the machine's own PostgreSQL cluster (the one every test shares)."""
    (version,) = os.listdir("/etc/postgresql")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def wait_for_postgres(timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def postgres_comes_back() -> Iterator[None]:
    """Whatever happens in the block, the shared server is running again afterwards."""
    try:
        yield
    finally:
        if not wait_for_postgres(timeout=0.5):
            pg_ctl("start")
        assert wait_for_postgres(), "PostgreSQL did not come back"


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_restarted_in_the_middle_of_a_poll(
    tmp_path, restart_safe_postgres_url, imap_mailbox, smtp_server
):
    require(shutil.which("pg_ctlcluster") is not None, "pg_ctlcluster (postgresql-common)")
    mails = generate(8, seed=33)
    append_many(imap_mailbox, "INBOX", (mail.raw for mail in mails))
    source = imap_source(imap_mailbox)
    url = restart_safe_postgres_url
    worker = make_worker(tmp_path, url, source, smtp_server, claim_lease_seconds=1)
    # The server stops while the third message is claimed and before its outcome is saved.
    worker.ctx.store = HookedStore(worker.settings.storage.path, nth=3, hook=lambda: pg_ctl("stop"))
    with postgres_comes_back():
        during, _ = worker.run_once()
        still_down, _ = worker.run_once()
        pg_ctl("start")
    time.sleep(1.1)  # the claim the stop left behind expires
    after, _ = worker.run_once()
    worker.engine.dispose()

    assert during.error is not None and still_down.error is not None
    assert 1 <= len(during.results) < len(mails)
    assert after.error is None
    assert_each_once(worker, imap_mailbox, mails, smtp_server)
