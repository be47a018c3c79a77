"""Parsing speed, peak memory and recovered ticks per format: mpp beside markitdown and
unstructured, on the same documents.

    python -m bench.parse_speed [--threads 2] [--rounds 2] [--tools mpp,markitdown,unstructured]
                                [--formats docx,text-pdf,fillable-pdf,scan] [--keep DIR]

The documents are built first (see ``bench.speed_documents``). Each tool reads each format
in a fresh process: one document to warm up, then every document ``--rounds`` times from
``--threads`` threads. "peak MB" is the largest resident set of any one process involved
(for mpp: the sandbox helpers, the reading children, Tesseract, LibreOffice). "ticks" counts
the choices (partnership mode, sponsorship) whose ticked option the tool's output shows,
over the documents whose ticks are known. A tool that is not installed is skipped and
said so.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.speed_tools import TOOLS, Reader

if TYPE_CHECKING:
    from bench.speed_documents import BenchDocument

# The same as bench.speed_documents.FORMATS; this process imports nothing heavy, so that
# the workers it starts do not inherit a large peak memory from it.
FORMATS = ("docx", "text-pdf", "fillable-pdf", "scan")

_MIN_TIMED = 20  # documents timed at least, besides scans (slow: only ``--rounds`` of them)
INSTALL_HINTS = {
    "markitdown": 'pip install "markitdown[docx,pdf]"',
    "unstructured": 'pip install "unstructured[docx]" (and its spaCy model)',
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="build the documents here and keep them")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)  # TOOL FORMAT DIR
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        tool, kind, folder = args.worker
        print(json.dumps(measure(tool, kind, Path(folder), args.threads, args.rounds)))
        return 0
    if args.build:
        from bench.speed_documents import build

        print(f"{len(build(args.build))} documents in {args.build}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="mpp-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "bench.parse_speed", "--build", str(folder)]
        subprocess.run(command, check=True)
        rows = [
            _run_worker(tool, kind, folder, args)
            for kind in args.formats.split(",")
            for tool in args.tools.split(",")
        ]
    print(table(rows))
    return 0


def _run_worker(tool: str, kind: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.parse_speed", "--worker", tool, kind, str(folder)]
    command += ["--threads", str(args.threads), "--rounds", str(args.rounds)]
    print(f"{tool} on {kind} ...", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"skipped": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    return {"tool": tool, "format": kind, **result}


def measure(tool: str, kind: str, folder: Path, threads: int, rounds: int) -> dict[str, Any]:
    """One tool on one format, in this process."""
    from bench.speed_documents import load

    try:
        reader = TOOLS[tool]()
    except ImportError:
        return {"skipped": f"not installed ({INSTALL_HINTS.get(tool, tool)})"}
    documents = [d for d in load(folder) if d.format == kind]
    if not documents:
        return {"skipped": "no documents"}
    payloads = [(d.filename, (folder / d.filename).read_bytes()) for d in documents]
    try:
        reader(*payloads[0])  # warm up: imports, models, sandbox helpers
    except Exception as error:  # a tool that cannot run here is reported, not counted
        return {"skipped": f"{type(error).__name__}: {str(error)[:120]}"}
    if tool == "mpp":
        from parsers.sandbox import start_helpers

        start_helpers(threads)
    repeat = rounds if kind == "scan" else max(rounds, -(-_MIN_TIMED // len(payloads)))
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda item: _safely(reader, item), payloads * repeat))
    elapsed = time.perf_counter() - started
    recovered, choices = _score(documents, results[: len(documents)])
    return {
        "documents": len(documents),
        "per_second": len(results) / elapsed,
        "peak_mb": _peak_mb(tool),
        "ticks": f"{recovered}/{choices}",
        "errors": sum(1 for r in results if r is None),
    }


def _safely(reader: Reader, item: tuple[str, bytes]) -> dict[str, set[str]] | None:
    try:
        return reader(*item)
    except Exception:  # counted as an error of the tool
        return None


def _score(
    documents: list[BenchDocument], results: list[dict[str, set[str]] | None]
) -> tuple[int, int]:
    recovered = choices = 0
    for document, ticks in zip(documents, results, strict=True):
        if document.mode is None or document.sponsorship is None:
            continue
        choices += 2
        if ticks is not None:
            recovered += ticks["mode"] == {document.mode}
            recovered += ticks["sponsorship"] == {document.sponsorship}
    return recovered, choices


def _peak_mb(tool: str) -> float:
    if tool == "mpp":
        from parsers.sandbox import stop_helpers

        stop_helpers()  # the helpers end, so their peaks (and their children's) are counted
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'format':<13}{'tool':<13}{'docs':>5}{'docs/s':>9}{'peak MB':>9}{'ticks':>8}{'errors':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if "skipped" in row:
            lines.append(f"{row['format']:<13}{row['tool']:<13}  skipped: {row['skipped']}")
            continue
        lines.append(
            f"{row['format']:<13}{row['tool']:<13}{row['documents']:>5}"
            f"{row['per_second']:>9.1f}{row['peak_mb']:>9.0f}{row['ticks']:>8}{row['errors']:>8}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
