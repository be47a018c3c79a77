"""`mpp run` as a real process: it polls on its schedule and stops cleanly on a signal."""

from __future__ import annotations

import mailbox
import os
import signal
import subprocess
import sys
import time

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from db.models import MailMessage
from db.session import make_engine
from tests.pipeline.helpers import SAMPLES


def write_config(tmp_path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "mpp.db"}"\n'
        f'[mailbox]\nsource = "maildir"\npath = "{tmp_path / "inbox"}"\n'
        f'[storage]\npath = "{tmp_path / "data"}"\n'
        f'[notifications]\ntransport = "file"\noutbox_dir = "{tmp_path / "outbox"}"\n'
        "[worker]\npoll_seconds = 0.5\n"
    )
    return str(path)


def states(tmp_path) -> list[str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'mpp.db'}")
    try:
        with Session(engine) as session:
            return [row.state for row in session.exec(select(MailMessage))]
    except OperationalError:  # the worker has not created the tables yet
        return []
    finally:
        engine.dispose()


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_run_polls_again_and_stops_cleanly_on_sigterm(tmp_path):
    config = write_config(tmp_path)
    inbox = mailbox.Maildir(tmp_path / "inbox", create=True)
    inbox.add(SAMPLES[0].read_bytes())
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--config", config, "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_for(lambda: (tmp_path / "mpp.db").exists() and len(states(tmp_path)) == 1)
        for path in SAMPLES[1:]:  # arrive while it runs: taken by a later poll
            inbox.add(path.read_bytes())
        wait_for(lambda: len(states(tmp_path)) > 3)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, output.decode(errors="replace")
    assert "claimed" not in states(tmp_path)
    assert b"finishing the current message" in output
