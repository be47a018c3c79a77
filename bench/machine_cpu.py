"""How busy the whole machine's CPUs were over a stretch of time (from /proc/stat), to tell
a benchmark limited by its own code from one limited by the cores it runs on."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuTimes:
    busy: float  # seconds of CPU time spent on anything but idling and waiting for the disk
    total: float

    @staticmethod
    def now() -> CpuTimes:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
        idle = ticks[3] + ticks[4]  # idle and iowait
        per_second = os.sysconf("SC_CLK_TCK")
        return CpuTimes((sum(ticks[:8]) - idle) / per_second, sum(ticks[:8]) / per_second)

    def share_busy_since(self, earlier: CpuTimes) -> float:
        """The share of all cores' time that was busy between ``earlier`` and this reading."""
        total = self.total - earlier.total
        return (self.busy - earlier.busy) / total if total > 0 else 0.0
