"""Idle cost: one poll of a mailbox whose messages are all taken already.

    python -m bench.idle_poll [--sizes 10,10000] [--polls 30] [--db sqlite|postgres]

For each size, the INBOX is filled with that many small messages (written into the Maildir
Dovecot serves, then indexed by Dovecot) and the ledger records them all as finished, as
after a worker kept them in the INBOX. Then a worker polls: the figure is the time of one
``poll_once`` with nothing new (STATUS, UIDNEXT compared with the ledger's answer, the
heartbeat written), which must not grow with the mailbox. The first poll (signing in, the
ledger's questions) is shown apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bench.servers import Dovecot, database, dovecot, smtp_sink, write_maildir
from bench.settings import Servers, bench_settings, make_worker
from common.clock import utcnow
from db.models import MailMessage


def small_message(number: int) -> bytes:
    return (
        f"From: applicant{number}@example.org\r\nTo: ipb@opcw.org\r\n"
        f"Subject: message {number}\r\nMessage-ID: <idle-{number}@example.org>\r\n\r\n"
        "Already handled.\r\n"
    ).encode()


def record_as_taken(engine: Engine, server: Dovecot) -> int:
    """Ledger rows, finished and settled, for every message in the INBOX; their count."""
    with server.client() as client:
        status = client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
    validity = int(status[b"UIDVALIDITY"])
    now = utcnow()
    rows = [
        {
            "source_key": f"imap:INBOX:{validity}:{uid}",
            "folder": "INBOX",
            "uidvalidity": validity,
            "uid": uid,
            "raw_sha256": f"{uid:064x}",
            "state": "done",
            "claimed_by": "earlier",
            "claimed_at": now,
            "settled": True,
            "created_at": now,
            "recipients": [],
            "defects": [],
        }
        for uid in uids
    ]
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(insert(MailMessage), rows[start : start + 1000])
    return len(rows)


def time_polls(server: Dovecot, size: int, polls: int, kind: str) -> list[float]:
    server.reset()
    write_maildir(server, [small_message(n) for n in range(size)])
    with (
        tempfile.TemporaryDirectory(prefix="mpp-bench-") as folder,
        database(kind, Path(folder)) as (url, engine),
        smtp_sink() as sink,
    ):
        taken = record_as_taken(engine, server)
        settings = bench_settings(Path(folder), url, Servers.of(server, sink))
        worker = make_worker(settings, engine, Servers.of(server, sink), worker_id="idle-bench")
        started = time.perf_counter()
        worker.poll_once()  # signs in and asks the ledger: not yet an idle poll
        first = time.perf_counter() - started
        seconds = []
        for _ in range(polls):
            started = time.perf_counter()
            report = worker.poll_once()
            seconds.append(time.perf_counter() - started)
            if report.results or report.error:
                raise RuntimeError(f"the poll was not idle: {report}")
        worker.source.close()
    print(
        f"{taken:>6} messages in the mailbox: idle poll median "
        f"{1000 * statistics.median(seconds):.1f} ms, worst {1000 * max(seconds):.1f} ms "
        f"({polls} polls, {kind}; the first poll, signing in: {1000 * first:.0f} ms)"
    )
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,10000", help="mailbox sizes, comma-separated")
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with dovecot() as server:
        medians = [statistics.median(time_polls(server, n, args.polls, args.db)) for n in sizes]
    if len(sizes) > 1:
        print(f"largest / smallest mailbox: {medians[-1] / medians[0]:.2f}x the idle poll time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
