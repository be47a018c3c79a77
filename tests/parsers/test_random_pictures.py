"""Property: pictures of any bytes never make parse_attachment raise or hang."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_attachment

MAGICS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF89a", b"BM"]


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=4096))
def test_random_pictures_never_crash(magic, body):
    doc = parse_attachment("scan.png", magic + body)
    assert doc.role == "other" and doc.format in ("image", "other")
    assert all(p.code in ("PARSE_LIMIT", "PARSE_FAILED") for p in doc.problems)
