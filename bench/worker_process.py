"""One worker in a process of its own, for the benchmarks that need several (scale-out) or a
clean measure of one process tree (large input). Started by them, not by hand:

    python -m bench.worker_process --servers JSON --db-url URL --folder DIR --worker-id ID
        [--until N] [--read-ahead K] [--wait-for-go]

It runs ``run_once`` until the ledger holds N finished messages (or once, without --until),
then prints one JSON line: wall seconds, outcomes, CPU and peak memory of its process tree,
and the busy time of each stage. With --wait-for-go it prints "ready" once started and waits
for a line on stdin, so that several workers start together.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bench.memory import TreeSampler
from bench.settings import Servers, bench_settings, make_worker
from bench.stages import instrumented
from db.models import MailMessage
from db.session import make_engine
from intake.worker import Worker
from parsers.sandbox import start_helpers, stop_helpers

ROOT = Path(__file__).resolve().parent.parent


def spawn(
    servers: Servers,
    db_url: str,
    folder: Path,
    *,
    worker_id: str,
    until: int | None = None,
    read_ahead: int | None = None,
    wait_for_go: bool = False,
) -> subprocess.Popen[str]:
    """Start a worker process (see the module's docstring)."""
    command = [
        sys.executable,
        "-m",
        "bench.worker_process",
        "--servers",
        json.dumps(asdict(servers)),
        "--db-url",
        db_url,
        "--folder",
        str(folder),
        "--worker-id",
        worker_id,
        *(["--until", str(until)] if until is not None else []),
        *(["--read-ahead", str(read_ahead)] if read_ahead is not None else []),
        *(["--wait-for-go"] if wait_for_go else []),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        raise RuntimeError(f"the worker process did not start: {line!r}")


def go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def collect(process: subprocess.Popen[str], timeout: float = 3600) -> dict[str, Any]:
    """The report the worker process printed last."""
    out, _ = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"the worker process failed ({process.returncode}): {out[-2000:]}")
    return dict(json.loads(lines[-1]))


def finished(engine: Engine) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(MailMessage).where(MailMessage.state != "claimed")
        return int(session.exec(query).one())


def drain(worker: Worker, until: int | None) -> collections.Counter[str]:
    """Run until the ledger holds ``until`` finished messages (once when None)."""
    outcomes: collections.Counter[str] = collections.Counter()
    while True:
        poll, _ = worker.run_once()
        if poll.error:
            print(f"poll error: {poll.error}", file=sys.stderr)
        outcomes.update(result.outcome for result in poll.results)
        if until is None or finished(worker.engine) >= until:
            return outcomes
        if not poll.results:
            time.sleep(0.05)  # the rest is claimed by other workers: look again shortly


def cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", required=True, help="bench.settings.Servers as JSON")
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--worker-id", default="bench")
    parser.add_argument("--until", type=int)
    parser.add_argument("--read-ahead", type=int)
    parser.add_argument("--wait-for-go", action="store_true")
    args = parser.parse_args(argv)
    servers = Servers(**json.loads(args.servers))
    engine = make_engine(args.db_url)
    settings = bench_settings(args.folder, args.db_url, servers)
    options = {} if args.read_ahead is None else {"read_ahead": args.read_ahead}
    worker = make_worker(settings, engine, servers, worker_id=args.worker_id, **options)
    start_helpers(max(1, worker.read_ahead))
    if args.wait_for_go:
        print("ready", flush=True)
        sys.stdin.readline()
    before = cpu()
    with TreeSampler() as memory, instrumented() as clock:
        started = time.perf_counter()
        outcomes = drain(worker, args.until)
        seconds = time.perf_counter() - started
    worker.source.close()
    stop_helpers()
    after = cpu()
    report = {
        "worker": args.worker_id,
        "seconds": seconds,
        "outcomes": dict(outcomes),
        "cpu_worker": after[0] - before[0],
        "cpu_children": after[1] - before[1],
        "memory": asdict(memory.report()),
        "stages": clock.table(),
    }
    print(json.dumps(report), flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
