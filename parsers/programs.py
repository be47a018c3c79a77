"""Outside programs a reader runs (Tesseract, LibreOffice). They all start here, so the
reading process can tell whether a document started one: such a process is given no
further document, since what a program leaves behind is ended only with the process's
group."""

from __future__ import annotations

import subprocess
from typing import Any

_started = 0


def run(command: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run``, counted."""
    global _started
    _started += 1
    return subprocess.run(command, **options)


def started() -> int:
    """How many outside programs this process has started."""
    return _started
