"""Peak memory of a run: this process, its largest child, and the whole process tree.

``ru_maxrss`` gives the exact peak of this process and of the largest child collected so
far (the sandbox's reading processes reach us through their helper once it has stopped);
a sampler thread adds the peak of the whole tree (worker, helpers and readers together),
read from /proc every 50 ms (short-lived peaks between samples are missed; pages a fork
shares are counted once per process, so it is an upper bound).
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class MemoryReport:
    self_peak_mb: float
    largest_child_peak_mb: float
    tree_peak_mb: float

    def line(self) -> str:
        return (
            f"peak memory: worker process {self.self_peak_mb:.0f} MB, largest child "
            f"{self.largest_child_peak_mb:.0f} MB, whole tree (sampled) {self.tree_peak_mb:.0f} MB"
        )


class TreeSampler:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_rss(os.getpid()))

    def report(self) -> MemoryReport:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return MemoryReport(own, children, max(self.peak / 2**20, own))


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process below it (pages a fork still shares
    are counted in each process: an upper bound)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss(pid)
        stack.extend(_children(pid))
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.extend(int(child) for child in task.read_text().split())
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0
