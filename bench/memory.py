"""Peak memory of a run: this process, its largest descendant, and the whole process tree.

This process's peak is exact (VmHWM, which starts afresh at exec, where ``ru_maxrss`` would
carry the peak of the process that started it). Descendants (the sandbox helpers, their
reading processes, OCR) are sampled from /proc every 50 ms: short-lived peaks between two
samples are missed, and pages a fork still shares are counted in each process, so the
tree's figure is an upper bound.
"""

from __future__ import annotations

import contextlib
import os
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
            f"{self.largest_child_peak_mb:.0f} MB, whole tree {self.tree_peak_mb:.0f} MB "
            "(children sampled)"
        )


class TreeSampler:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self.largest_child = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.wait(self.interval):
            sizes = tree_rss(root)
            self.peak = max(self.peak, sum(sizes.values()))
            children = [size for pid, size in sizes.items() if pid != root]
            self.largest_child = max([self.largest_child, *children])

    def report(self) -> MemoryReport:
        own = own_peak_bytes()
        return MemoryReport(own / 2**20, self.largest_child / 2**20, max(self.peak, own) / 2**20)


def own_peak_bytes() -> int:
    """VmHWM of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_rss(root: int) -> dict[int, int]:
    """Resident bytes of ``root`` and of every process below it, by process id."""
    sizes: dict[int, int] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        sizes[pid] = _rss(pid)
        stack.extend(_children(pid))
    return sizes


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):  # the process may end at any moment
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0
