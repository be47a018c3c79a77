"""Every message of the hostile mail corpus is read without an exception, into storable data."""

from __future__ import annotations

import pytest

from intake.mime import parse_message
from tests.intake.invariants import check_parsed
from tests.intake.messages import PROGRAMME, corpus_params


@pytest.mark.parametrize("path", corpus_params("mail"))
def test_corpus_message_is_read(path):
    parsed = parse_message(path.read_bytes(), programme_address=PROGRAMME)
    check_parsed(parsed)


def test_empty_and_garbage_input_give_a_defect_not_an_exception():
    for raw in (
        b"",
        b"   \r\n",
        b"\x00\xff" * 50,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    ):
        parsed = parse_message(raw, programme_address=PROGRAMME)
        check_parsed(parsed)
        assert parsed.defects
