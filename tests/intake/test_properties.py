"""Property-based: parse_message and safe_filename hold their promises on any input."""

from __future__ import annotations

import binascii
import unicodedata
from email.message import Message

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.filenames import MAX_LENGTH, safe_filename
from intake.mime import parse_message
from intake.mime_parts import payload_bytes
from tests.intake.invariants import check_parsed
from tests.intake.messages import PROGRAMME
from tests.intake.mutations import SAMPLE_BYTES, mutated_samples

BUDGET = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BIDI = {
    chr(code) for code in (0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


@BUDGET
@given(st.binary(max_size=4096))
def test_parse_message_on_arbitrary_bytes(raw):
    check_parsed(parse_message(raw, programme_address=PROGRAMME))


@BUDGET
@given(
    st.lists(
        st.sampled_from(
            [
                b"From: a@b.org\r\n",
                b"Content-Type: multipart/mixed; boundary=x\r\n",
                b"\r\n",
                b"--x\r\n",
                b"--x--\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Type: message/rfc822\r\n",
                b"Subject: =?utf-8?q?=C3=A9?=\r\n",
                b"Content-Disposition: attachment; filename*=x''%ff\r\n",
                b"AAAA====\r\n",
                b"\xc3\xa9\xff\r\n",
                b"Content-Type: text/html; charset=bogus\r\n",
            ]
        ),
        max_size=60,
    )
)
def test_parse_message_on_mime_shaped_noise(pieces):
    check_parsed(parse_message(b"".join(pieces), programme_address=PROGRAMME))


@pytest.mark.skipif(not SAMPLE_BYTES, reason="no sample messages in samples/")
@BUDGET
@given(mutated_samples())
def test_parse_message_on_mutated_samples(raw):
    check_parsed(parse_message(raw, programme_address=PROGRAMME))


@BUDGET
@given(st.text(max_size=400))
def test_safe_filename_on_arbitrary_text(name):
    cleaned = safe_filename(name)
    assert cleaned and len(cleaned) <= MAX_LENGTH
    assert "/" not in cleaned and "\\" not in cleaned
    assert not any(unicodedata.category(ch).startswith("C") for ch in cleaned)
    assert not BIDI & set(cleaned)
    assert not cleaned.startswith((".", " ")) and not cleaned.endswith(" ")
    assert safe_filename(cleaned) == cleaned


@BUDGET
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="ABCDabcd0123+/=\r\n é\x00-", max_size=80),
    )
)
def test_base64_read_directly_equals_the_standard_decoding(text):
    """The shortcut for large attachments gives what ``get_payload(decode=True)`` gives,
    whenever it takes the payload at all."""
    part = Message()
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(text)
    try:
        direct = binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        return
    assert payload_bytes(part) == direct == part.get_payload(decode=True)
