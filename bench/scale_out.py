"""Scale-out: 1, 2 and 4 worker processes on one PostgreSQL database and one mailbox.

    python -m bench.scale_out [--messages 300] [--workers 1,2,4] [--read-ahead K]
                              [--pdf-share 0.33]

For each count, the mailbox is filled afresh, the workers start together and run until
every message is finished. Prints messages per second per worker count, the speed-up over
one worker, how many claims a worker lost to another (work wasted: the message had been
fetched for nothing), how busy the machine's cores were (PostgreSQL, Dovecot and the SMTP
server included), and checks that no message was taken twice: one ledger row, one
application and one reply per message, every message moved once.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bench.corpus import build_corpus
from bench.machine_cpu import CpuTimes
from bench.servers import Dovecot, SmtpSink, append_all, database, dovecot, smtp_sink
from bench.settings import Servers
from bench.worker_process import collect, go, spawn, wait_ready
from db.models import Application, MailMessage


@dataclass
class ScaleRun:
    workers: int
    seconds: float
    lost_claims: int
    machine_busy: float  # share of all the machine's cores busy during the run
    problems: list[str]
    reports: list[dict[str, Any]]


def run_with(
    server: Dovecot, sink: SmtpSink, messages: list[bytes], workers: int, read_ahead: int | None
) -> ScaleRun:
    server.reset()
    append_all(server, messages)
    sink.replies.clear()
    with (
        tempfile.TemporaryDirectory(prefix="mpp-bench-") as folder,
        database("postgres", Path(folder)) as (url, engine),
    ):
        processes = [
            spawn(
                Servers.of(server, sink),
                url,
                Path(folder),
                worker_id=f"w{n}",
                until=len(messages),
                read_ahead=read_ahead,
                wait_for_go=True,
            )
            for n in range(1, workers + 1)
        ]
        for process in processes:
            wait_ready(process)
        started, cpu_before = time.perf_counter(), CpuTimes.now()
        for process in processes:
            go(process)
        reports = [collect(process) for process in processes]
        seconds = time.perf_counter() - started
        busy = CpuTimes.now().share_busy_since(cpu_before)
        problems = check_each_once(engine, server, sink, len(messages))
    lost = sum(report["outcomes"].get("skipped", 0) for report in reports)
    return ScaleRun(workers, seconds, lost, busy, problems, reports)


def check_each_once(engine: Engine, server: Dovecot, sink: SmtpSink, expected: int) -> list[str]:
    """What contradicts "every message taken exactly once" (empty when all is well)."""
    problems = []
    with Session(engine) as session:
        ledger = session.exec(select(func.count()).select_from(MailMessage)).one()
        states = Counter(session.exec(select(MailMessage.state)).all())
        applications = session.exec(select(func.count()).select_from(Application)).one()
    if ledger != expected or states != Counter({"done": expected}):
        problems.append(f"ledger rows {ledger}, states {dict(states)} for {expected} messages")
    if applications != expected:
        problems.append(f"{applications} applications for {expected} messages")
    replies = Counter(reply.in_reply_to for reply in sink.replies)
    if len(replies) != expected or max(replies.values(), default=0) > 1:
        twice = sum(1 for count in replies.values() if count > 1)
        problems.append(f"{len(replies)} messages answered, {twice} of them more than once")
    moved = len(server.list_uids("Processed"))
    if moved != expected or server.list_uids("INBOX"):
        problems.append(f"{moved} moved to Processed, {len(server.list_uids('INBOX'))} left")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--read-ahead", type=int, help="per worker (default: the worker's)")
    parser.add_argument("--pdf-share", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    messages = build_corpus(args.messages, seed=args.seed, pdf_share=args.pdf_share).messages()
    counts = [int(n) for n in args.workers.split(",")]
    runs = []
    with dovecot() as server, smtp_sink() as sink:
        for workers in counts:
            runs.append(run_with(server, sink, messages, workers, args.read_ahead))
            print_run(runs[-1], len(messages), runs[0])
    return 0 if all(not run.problems for run in runs) else 1


def print_run(run: ScaleRun, messages: int, first: ScaleRun) -> None:
    rate = messages / run.seconds
    speedup = first.seconds / run.seconds
    verdict = "each message taken once" if not run.problems else "; ".join(run.problems)
    print(
        f"{run.workers} worker(s): {messages} messages in {run.seconds:.1f} s, {rate:.1f} "
        f"messages/s, {speedup:.2f}x {first.workers} worker(s); {run.lost_claims} claims lost "
        f"to another worker; {verdict}; the machine's {os.cpu_count()} cores "
        f"{run.machine_busy:.0%} busy"
    )
    for report in run.reports:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in sorted(report["stages"].items()))
        print(
            f"  {report['worker']}: {report['seconds']:.1f} s, {report['outcomes']}, CPU "
            f"{report['cpu_worker']:.1f} s + {report['cpu_children']:.1f} s in parsing; "
            f"busy seconds: {stages}"
        )


if __name__ == "__main__":
    sys.exit(main())
