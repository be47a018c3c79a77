"""``mpp run`` as a real process that a test can kill with SIGKILL at any moment."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.pipeline.helpers import REPO

PASSWORD_ENV = "MPP_FAULT_IMAP_PASSWORD"


def write_config(
    path: Path,
    *,
    database_url: str,
    imap,
    smtp,
    poll_seconds: float = 0.5,
    lease_seconds: int = 2,
    batch_size: int = 10,
) -> Path:
    """A configuration for the worker: this mailbox, this database, this SMTP server."""
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[mailbox]\nsource = "imap"\nhost = "{imap.host}"\nport = {imap.port}\n'
        f'security = "none"\nusername = "{imap.user}"\npassword_env = "{PASSWORD_ENV}"\n'
        f"batch_size = {batch_size}\ntimeout_seconds = 10.0\n"
        f"claim_lease_seconds = {lease_seconds}\nidle = false\n"
        f'[storage]\npath = "{path.parent / "data"}"\n'
        f'[notifications]\ntransport = "smtp"\nsmtp_host = "{smtp.host}"\n'
        f'smtp_port = {smtp.port}\nsmtp_security = "none"\nsmtp_timeout_seconds = 10.0\n'
        f"send_lease_seconds = {lease_seconds}\nretry_base_seconds = 0.5\n"
        "retry_max_seconds = 2.0\nmax_attempts = 50\n"
        f"[worker]\npoll_seconds = {poll_seconds}\n"
    )
    return path


@dataclass
class WorkerProcess:
    """One ``mpp run`` at a time; its output is appended to ``log``."""

    config: Path
    log: Path
    password: str
    process: subprocess.Popen | None = field(default=None, repr=False)
    starts: int = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        assert self.process is None, "already running"
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "--config", str(self.config), "run"],
                cwd=REPO,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, PASSWORD_ENV: self.password, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # its own process group: the parser helpers die with it
            )
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL the worker and every process it started, as a crash or power cut would."""
        process, self.process = self.process, None
        if process is not None:
            _kill_group(process.pid)
            process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM: the worker finishes the message in hand and exits; its exit status."""
        process, self.process = self.process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=60)
        finally:
            _kill_group(process.pid)  # parser helpers left behind, if any


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
