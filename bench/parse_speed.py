"""Throughput of parse_attachment on the sample .docx attachments.

    python -m bench.parse_speed [--threads 2] [--rounds 10]

Each thread calls parse_attachment in a loop (one sandboxed child per document), as the
intake workers do; prints documents per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench.truth_compare import SAMPLES, message_attachments
from parsers import parse_attachment
from parsers.sandbox import start_helpers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    documents = [
        (name, data)
        for path in sorted((SAMPLES / "cases").glob("*.eml"))
        for name, data in message_attachments(path)
        if name.lower().endswith(".docx")
    ]
    if not documents:
        print(f"no .docx attachments found under {SAMPLES}", file=sys.stderr)
        return 1
    start_helpers(args.threads)
    work = documents * args.rounds
    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        roles = list(pool.map(lambda item: parse_attachment(*item).role, work))
    elapsed = time.perf_counter() - started
    print(
        f"{len(work)} documents, {args.threads} threads: {elapsed:.2f} s, "
        f"{len(work) / elapsed:.1f} documents/s ({roles.count('other')} read as other)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
