"""Where the time goes: the pipeline's stage functions wrapped with clocks for one run.

Each stage is the busy time summed over its calls (stages that run in parallel threads, such
as reading ahead, can add up to more than the wall time), and the CPU time its thread used
meanwhile: in one Python process, the CPU time is what competes for the interpreter lock.
``database`` is the claims, the settled marks, and what is left of ``record_message`` once the
rules and the drafting of the reply are taken out: the ORM, SQL and commits. The busy time
of ``mime`` and ``parse`` includes waiting for the CPU that other threads hold.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

# (module, attribute, stage): where each stage is entered. Missing ones are skipped, so the
# clock survives the pipeline being rearranged.
TARGETS = (
    ("intake.pipeline", "record_message", "record"),
    ("intake.worker", "record_message", "record"),
    ("intake.pipeline", "read_message_in_sandbox", "mime"),
    ("intake.pipeline", "parse_attachments", "parse"),
    ("intake.recording", "merge_documents", "rules"),
    ("intake.recording", "build_facts", "rules"),
    ("intake.recording", "evaluate", "rules"),
    ("intake.recording", "queue_reply", "reply (draft)"),
    ("intake.recording", "draft_for_review", "reply (draft)"),
    ("intake.worker", "deliver_due", "reply (send)"),
    ("intake.sources.imap.ImapSource", "fetch_new", "fetch"),
    ("intake.sources.imap.ImapSource", "settle", "move"),
    ("intake.ledger.DbLedger", "claim", "database"),
    ("intake.ledger.DbLedger", "mark_settled", "database"),
)
INSIDE_RECORD = ("rules", "reply (draft)")


class StageClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._depth = threading.local()

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isgeneratorfunction(function):
            return self._wrap_generator(stage, function)

        def timed(*args: Any, **kwargs: Any) -> Any:
            active = getattr(self._depth, stage, 0)
            setattr(self._depth, stage, active + 1)
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                setattr(self._depth, stage, active)
                if not active:  # a stage entered twice (worker and pipeline names) counts once
                    cpu = time.thread_time() - cpu_started
                    self.add(stage, time.perf_counter() - started, cpu)

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed

    def _wrap_generator(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """Times each step of a generator (the fetch of each message), not its consumer."""

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            steps = function(*args, **kwargs)
            while True:
                started, cpu_started = time.perf_counter(), time.thread_time()
                try:
                    item = next(steps)
                except StopIteration:
                    item = steps  # the generator as a sentinel: it has ended
                cpu = time.thread_time() - cpu_started
                self.add(stage, time.perf_counter() - started, cpu)
                if item is steps:
                    return
                yield item

        return timed

    def add(self, stage: str, seconds: float, cpu: float = 0.0) -> None:
        with self._lock:
            self.seconds[stage] += seconds
            self.cpu[stage] += cpu
            self.calls[stage] += 1

    def table(self) -> dict[str, float]:
        """Stage -> seconds; the transaction's time outside rules and replies is database."""
        return _with_database(self.seconds)

    def cpu_table(self) -> dict[str, float]:
        """Stage -> CPU seconds, split as ``table`` splits the wall time."""
        return _with_database(self.cpu)


def _with_database(times: dict[str, float]) -> dict[str, float]:
    result = dict(times)
    record = result.pop("record", 0.0)
    inside = sum(result.get(name, 0.0) for name in INSIDE_RECORD)
    result["database"] = result.get("database", 0.0) + max(0.0, record - inside)
    return result


def _resolve(path: str) -> Any:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            owner = getattr(owner, name, None)
            if owner is None:
                return None
        return owner
    return None


@contextlib.contextmanager
def instrumented() -> Iterator[StageClock]:
    """Wrap every stage for the duration of the block, then put the originals back."""
    clock = StageClock()
    undo: list[tuple[Any, str, Any]] = []
    for owner_path, attribute, stage in TARGETS:
        owner = _resolve(owner_path)
        original = getattr(owner, attribute, None) if owner is not None else None
        if original is None:
            continue
        undo.append((owner, attribute, original))
        setattr(owner, attribute, clock.wrap(stage, original))
    try:
        yield clock
    finally:
        for owner, attribute, original in reversed(undo):
            setattr(owner, attribute, original)


def print_stages(clock: StageClock, *, messages: int, wall: float) -> None:
    table, cpu = clock.table(), clock.cpu_table()
    print(f"{'stage':<20} {'seconds':>9} {'ms/message':>11} {'of wall':>8} {'CPU ms/message':>15}")
    for stage, seconds in sorted(table.items(), key=lambda item: -item[1]):
        per = 1000 * seconds / messages if messages else 0.0
        share = 100 * seconds / wall if wall else 0.0
        cpu_per = 1000 * cpu.get(stage, 0.0) / messages if messages else 0.0
        print(f"{stage:<20} {seconds:>9.2f} {per:>11.1f} {share:>7.0f}% {cpu_per:>15.1f}")
