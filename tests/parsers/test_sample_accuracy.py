"""Accuracy over the shared sample messages: every expected field and document role."""

from __future__ import annotations

import json

import pytest

from bench.truth_compare import SAMPLES, check_case, read_message

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "truth.json").exists(),
    reason=f"SKIPPED LOUDLY: the shared samples are not at {SAMPLES}; accuracy NOT checked",
)


def test_samples_are_read_exactly():
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    checks = []
    for case in truth["cases"]:
        checks.extend(check_case(case, read_message(SAMPLES / "cases" / case["eml"]), truth))
    wrong = [
        f"{c.case} {c.field}: expected {c.expected!r}, got {c.actual!r}" for c in checks if not c.ok
    ]
    assert len(checks) > 200
    assert wrong == []
