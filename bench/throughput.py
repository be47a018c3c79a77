"""Throughput: a Dovecot mailbox of generated applications processed end to end.

    python -m bench.throughput [--messages 2000] [--db sqlite|postgres|both]
                               [--pdf-share 0.33] [--floor] [--profile FILE.html]

One worker polls the mailbox into the database and sends every reply to an SMTP server
(aiosmtpd). Prints messages per second, the time of each stage, peak memory and, with
--floor, the pipeline's time as a ratio to the bare libraries opening the same documents.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import build_corpus
from bench.floor import floor_seconds
from bench.memory import TreeSampler
from bench.servers import Dovecot, SmtpSink, append_all, database, dovecot, smtp_sink
from bench.settings import Servers, bench_settings, make_worker
from bench.stages import instrumented, print_stages
from parsers.sandbox import start_helpers, stop_helpers


@dataclass
class RunResult:
    messages: int
    seconds: float
    replies: int
    outcomes: dict[str, int]
    cpu_worker: float = 0.0  # seconds of CPU of the worker process
    cpu_children: float = 0.0  # of the sandbox helpers and their reading processes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--pdf-share", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--floor", action="store_true", help="also time the bare libraries")
    parser.add_argument(
        "--read-ahead", type=int, help="messages read while one is recorded (default: the worker's)"
    )
    parser.add_argument(
        "--profile", type=Path, help="write a pyinstrument profile (HTML, or text for other names)"
    )
    args = parser.parse_args(argv)
    corpus = build_corpus(args.messages, seed=args.seed, pdf_share=args.pdf_share)
    messages = corpus.messages()
    print(
        f"corpus: {len(messages)} messages, {corpus.total_bytes() / 1e6:.1f} MB, "
        f"{args.pdf_share:.0%} with a PDF form ({corpus.folder})"
    )
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    runs = {}
    with dovecot() as server, smtp_sink() as sink:
        for kind in kinds:
            runs[kind] = run_once_through(
                server, sink, messages, kind, args.profile, read_ahead=args.read_ahead
            )
    if args.floor:
        floor = floor_seconds(messages)
        print(f"floor (bare python-docx and pdfplumber, one process): {floor:.2f} s")
        for kind, run in runs.items():
            print(f"{kind}: pipeline / floor = {run.seconds / floor:.2f}")
    return 0 if all(run.messages == len(messages) for run in runs.values()) else 1


def run_once_through(
    server: Dovecot,
    sink: SmtpSink,
    messages: list[bytes],
    kind: str,
    profile: Path | None,
    *,
    read_ahead: int | None = None,
) -> RunResult:
    server.reset()
    started = time.perf_counter()
    append_all(server, messages)
    print(
        f"\n== {kind}: {len(messages)} messages appended in {time.perf_counter() - started:.1f} s"
    )
    with (
        tempfile.TemporaryDirectory(prefix="mpp-bench-") as folder,
        database(kind, Path(folder)) as (url, engine),
    ):
        settings = bench_settings(Path(folder), url, Servers.of(server, sink))
        options = {} if read_ahead is None else {"read_ahead": read_ahead}
        worker = make_worker(
            settings, engine, Servers.of(server, sink), worker_id=f"bench-{kind}", **options
        )
        start_helpers(2)
        sink.replies.clear()
        before = cpu_seconds()
        with TreeSampler() as memory, instrumented() as clock:
            result = _drain(worker, sink, profile)
        worker.source.close()
        stop_helpers()
        after = cpu_seconds()
        result.cpu_worker, result.cpu_children = (b - a for a, b in zip(before, after, strict=True))
    _print_run(result, clock, memory)
    return result


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process, and of its collected children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _drain(worker, sink: SmtpSink, profile: Path | None) -> RunResult:
    """Run the worker until a poll finds nothing new and every reply due has been sent (a
    delivery round sends at most 500)."""
    profiler = _start_profiler(profile)
    outcomes: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    while True:
        poll, delivery = worker.run_once()
        if poll.error:
            print(f"poll error: {poll.error}")
        outcomes.update(result.outcome for result in poll.results)
        if not poll.results and not delivery.sent:
            break
    seconds = time.perf_counter() - started
    _stop_profiler(profiler, profile)
    return RunResult(sum(outcomes.values()), seconds, len(sink.replies), dict(outcomes))


def _print_run(result: RunResult, clock, memory: TreeSampler) -> None:
    rate = result.messages / result.seconds if result.seconds else 0.0
    print(
        f"{result.messages} messages in {result.seconds:.2f} s: {rate:.1f} messages/s; "
        f"{result.replies} replies at the SMTP server; outcomes {result.outcomes}"
    )
    per = 1000 / max(result.messages, 1)
    print(
        f"CPU: worker {result.cpu_worker:.2f} s ({result.cpu_worker * per:.1f} ms/message), "
        f"parsing processes {result.cpu_children:.2f} s "
        f"({result.cpu_children * per:.1f} ms/message); load average {os.getloadavg()[0]:.2f}"
    )
    print_stages(clock, messages=result.messages, wall=result.seconds)
    print(memory.report().line())


def _start_profiler(path: Path | None):
    if path is None:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled")
    profiler.start()
    return profiler


def _stop_profiler(profiler, path: Path | None) -> None:
    if profiler is None or path is None:
        return
    profiler.stop()
    text = path.suffix != ".html"
    path.write_text(profiler.output_text(show_all=False) if text else profiler.output_html())
    print(f"profile written to {path}")


if __name__ == "__main__":
    sys.exit(main())
