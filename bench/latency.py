"""Latency: from IMAP APPEND of an application to its reply at the SMTP server.

    python -m bench.latency [--messages 20] [--poll-seconds 10] [--modes idle,poll]

A worker runs as ``mpp run`` does (``run_forever``), once with IMAP IDLE and once with
polling alone every --poll-seconds. Applications are appended one at a time at random
moments (0.5 to 2 s apart, after the reply to the one before); each latency is from the
APPEND to the SMTP server receiving the reply. Prints p50, p95 and the worst.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.corpus import build_corpus
from bench.servers import Dovecot, SmtpSink, database, dovecot, smtp_sink
from bench.settings import Servers, bench_settings, make_worker
from parsers.sandbox import start_helpers, stop_helpers

REPLY_TIMEOUT_SECONDS = 120.0


def message_id(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])


def wait_for_reply(sink: SmtpSink, wanted: str, timeout: float) -> float | None:
    """time.monotonic() when the reply to ``wanted`` arrived, or None after the timeout."""
    ends = time.monotonic() + timeout
    with sink.arrived:
        while True:
            for reply in sink.replies:
                if reply.in_reply_to == wanted:
                    return reply.received_at
            left = ends - time.monotonic()
            if left <= 0:
                return None
            sink.arrived.wait(left)


def measure(
    server: Dovecot, messages: list[bytes], *, idle: bool, poll_seconds: float, seed: int
) -> list[float]:
    server.reset()
    rng = random.Random(seed)
    with (
        tempfile.TemporaryDirectory(prefix="mpp-bench-") as folder,
        database("sqlite", Path(folder)) as (url, engine),
        smtp_sink() as sink,
    ):
        settings = bench_settings(
            Path(folder),
            url,
            Servers.of(server, sink),
            mailbox={"idle": idle},
            worker={"poll_seconds": poll_seconds},
        )
        worker = make_worker(settings, engine, Servers.of(server, sink), worker_id="latency")
        start_helpers(2)
        thread = threading.Thread(target=worker.run_forever, kwargs={"install_signals": False})
        thread.start()
        try:
            return _append_one_by_one(server, sink, messages, rng)
        finally:
            worker.stop()
            thread.join(timeout=60)
            stop_helpers()


def _append_one_by_one(
    server: Dovecot, sink: SmtpSink, messages: list[bytes], rng: random.Random
) -> list[float]:
    latencies = []
    with server.client() as client:
        for raw in messages:
            time.sleep(rng.uniform(0.5, 2.0))
            wanted = message_id(raw)
            appended = time.monotonic()
            client.append("INBOX", raw)
            arrived = wait_for_reply(sink, wanted, REPLY_TIMEOUT_SECONDS)
            if arrived is None:
                print(f"no reply to {wanted} within {REPLY_TIMEOUT_SECONDS:g} s")
                continue
            latencies.append(arrived - appended)
    return latencies


def summary(label: str, latencies: list[float]) -> str:
    if not latencies:
        return f"{label}: no replies"
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{label}: {len(ordered)} replies, p50 {statistics.median(ordered):.2f} s, "
        f"p95 {p95:.2f} s, worst {ordered[-1]:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    parser.add_argument("--modes", default="idle,poll")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    messages = build_corpus(args.messages, seed=args.seed, pdf_share=0.0).messages()
    modes = args.modes.split(",")
    with dovecot() as server:
        for mode in modes:
            latencies = measure(
                server,
                messages,
                idle=mode == "idle",
                poll_seconds=args.poll_seconds,
                seed=args.seed,
            )
            label = "IMAP IDLE" if mode == "idle" else f"polling every {args.poll_seconds:g} s"
            print(summary(f"APPEND to reply, {label}", latencies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
