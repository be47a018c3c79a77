"""Property: no sequence of bytes makes parse_attachment raise (fixed, small budget)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_attachment

PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1"]
ROLES = {"application_form", "results_framework", "prior_assessment", "other"}


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2048),
    name=st.sampled_from(["form.docx", "form.pdf", "x", "scan.png"]),
)
def test_random_bytes_never_crash(prefix, body, name):
    doc = parse_attachment(name, prefix + body)
    assert doc.role in ROLES
    assert doc.filename == name
