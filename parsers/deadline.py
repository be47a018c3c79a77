"""The reading process's own clock: SIGALRM, whose default action ends the process.

A document is read under the ordinary time limit; a reader that finds a scan or a legacy
format extends it to the larger limit of that work. The sandbox helper that forked the
process keeps a backstop deadline of the longest limit, and reports a process ended by this
alarm as a limit reached. Outside the sandbox nothing is armed and nothing is ended.
"""

from __future__ import annotations

import math
import signal
import time

_started: float | None = None


def start(seconds: float) -> None:
    """Arm the clock of this (forked) reading process."""
    global _started
    _started = time.monotonic()
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _arm(seconds)


def stop() -> None:
    """Disarm the clock: the document is read, and the process waits for the next one."""
    global _started
    _started = None
    signal.setitimer(signal.ITIMER_REAL, 0)


def extend_to(total_seconds: float) -> None:
    """Let the reading run up to ``total_seconds`` from its start (never shortens it)."""
    if _started is None:
        return
    left = total_seconds - (time.monotonic() - _started)
    if left > signal.getitimer(signal.ITIMER_REAL)[0]:
        _arm(left)


def remaining(cap: float) -> float:
    """Seconds left before the clock ends the process, at most ``cap``."""
    if _started is None:
        return cap
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    return min(cap, left) if left > 0 else cap


def _arm(seconds: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))


def as_int_seconds(seconds: float) -> int:
    """Whole seconds, rounded up (for limits that take integers)."""
    return max(1, math.ceil(seconds))
