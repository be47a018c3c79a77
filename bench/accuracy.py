"""Field accuracy of the parsers on sample messages with known answers.

    python -m bench.accuracy [--cases DIR] [--truth FILE] [-v]

Defaults to the shared samples. Prints the accuracy of each field and the total; with -v,
every mismatch.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from bench.truth_compare import SAMPLES, Check, check_case, read_message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=SAMPLES / "cases")
    parser.add_argument("--truth", type=Path, default=SAMPLES / "truth.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    checks: list[Check] = []
    for case in truth["cases"]:
        path = args.cases / case["eml"]
        if path.exists():
            checks.extend(check_case(case, read_message(path), truth))
        else:
            print(f"missing: {path}", file=sys.stderr)
    report(checks, verbose=args.verbose)
    return 0 if checks and all(c.ok for c in checks) else 1


def report(checks: list[Check], *, verbose: bool) -> None:
    by_field: dict[str, list[bool]] = defaultdict(list)
    for check in checks:
        by_field[check.field].append(check.ok)
    width = max((len(name) for name in by_field), default=10)
    for name, results in sorted(by_field.items()):
        print(f"{name:<{width}}  {sum(results):>3}/{len(results):<3}  {_percent(results)}")
    everything = [c.ok for c in checks]
    print(f"{'TOTAL':<{width}}  {sum(everything):>3}/{len(everything):<3}  {_percent(everything)}")
    if verbose:
        for check in checks:
            if not check.ok:
                print(
                    f"{check.case} {check.field}: expected {check.expected!r}, got {check.actual!r}"
                )


def _percent(results: list[bool]) -> str:
    return f"{100 * sum(results) / len(results):.1f}%" if results else "-"


if __name__ == "__main__":
    sys.exit(main())
