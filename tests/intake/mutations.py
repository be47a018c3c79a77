"""Byte-level mutations of the sample messages, for property-based tests."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.intake.messages import SAMPLES

SAMPLE_BYTES = [path.read_bytes() for path in SAMPLES]
_INSERTS = [b"\r\n", b"--", b"\x00", b"=?utf-8?b?", b"\xff\xfe", b"\n\n", b";", b"\r\n "]


@st.composite
def mutated_samples(draw) -> bytes:
    """A sample message with a few byte-level edits: flips, cuts, insertions, duplications."""
    data = bytearray(draw(st.sampled_from(SAMPLE_BYTES)))
    for _ in range(draw(st.integers(1, 8))):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if action == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[where : where + draw(st.integers(1, 4096))]
        elif action == "insert":
            data[where:where] = draw(st.sampled_from(_INSERTS))
        else:
            data[where:where] = bytes(data[where : where + draw(st.integers(1, 2048))])
    return bytes(data)
