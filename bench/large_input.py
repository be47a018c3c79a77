"""Large input: one message with a 25 MB scanned PDF, one with a 10 MB .docx with a picture.

    python -m bench.large_input [--kinds scan,docx] [--scale 1.0]

Each message is appended to Dovecot alone and taken by a worker in a process of its own
(``bench.worker_process``), so that its peak memory is the pipeline's and nothing else's:
the time of the whole pipeline for the message (fetch, MIME, parsing with OCR for the scan,
database, reply) and the peak memory of the worker process, of its largest child (a
reading process or OCR) and of the whole process tree. --scale shrinks the inputs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.large_files import describe, large_message
from bench.servers import Dovecot, SmtpSink, append_all, database, dovecot, smtp_sink
from bench.settings import Servers
from bench.worker_process import collect, spawn


def run_one(server: Dovecot, sink: SmtpSink, raw: bytes) -> dict[str, Any]:
    server.reset()
    append_all(server, [raw])
    sink.replies.clear()
    with (
        tempfile.TemporaryDirectory(prefix="mpp-bench-") as folder,
        database("sqlite", Path(folder)) as (url, _engine),
    ):
        process = spawn(Servers.of(server, sink), url, Path(folder), worker_id="large")
        report = collect(process)
    report["replies"] = len(sink.replies)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="scan,docx")
    parser.add_argument("--scale", type=float, default=1.0, help="input size factor")
    args = parser.parse_args(argv)
    ok = True
    with dovecot() as server, smtp_sink() as sink:
        for kind in args.kinds.split(","):
            raw = large_message(kind, scale=args.scale)
            report = run_one(server, sink, raw)
            memory = report["memory"]
            print(
                f"{describe(kind, raw)}: {report['seconds']:.1f} s end to end, "
                f"outcomes {report['outcomes']}, {report['replies']} reply; peak memory: "
                f"worker {memory['self_peak_mb']:.0f} MB, largest child "
                f"{memory['largest_child_peak_mb']:.0f} MB, whole tree (sampled) "
                f"{memory['tree_peak_mb']:.0f} MB; CPU {report['cpu_worker']:.1f} s + "
                f"{report['cpu_children']:.1f} s in parsing"
            )
            ok = ok and report["outcomes"].get("recorded", 0) == 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
