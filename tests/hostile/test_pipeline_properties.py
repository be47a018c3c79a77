"""Property-based: mutated sample messages through the real pipeline are always recorded."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings

from tests.hostile.pipeline_run import run
from tests.intake.mutations import SAMPLE_BYTES, mutated_samples

_KEYS = itertools.count()


@pytest.mark.slow
@pytest.mark.skipif(not SAMPLE_BYTES, reason="no sample messages in samples/")
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=mutated_samples())
def test_process_message_on_mutated_samples(shared_ctx, raw):
    recorded = run(shared_ctx, raw, key=f"mutated:{next(_KEYS)}")
    assert recorded.result.outcome in ("recorded", "automatic", "duplicate")
