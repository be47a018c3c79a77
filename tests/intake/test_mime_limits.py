"""Cutting a message with too many MIME parts, and leaving every other message as it is."""

from __future__ import annotations

from intake.mime_limits import limit_parts


def multipart(parts: int, *, boundary: bytes = b"BND") -> bytes:
    head = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
    body = b"".join(b"--" + boundary + b"\r\n\r\npart %d\r\n" % n for n in range(parts))
    return head + body + b"--" + boundary + b"--\r\n"


def test_a_message_within_the_limit_is_returned_as_it_is():
    raw = multipart(9)  # ten delimiter lines with the closing one
    defects: list[str] = []
    assert limit_parts(raw, 10, defects) is raw and defects == []


def test_lines_that_only_look_like_delimiters_are_not_counted():
    raw = multipart(3) + b"".join(b"--not the boundary %d\r\n" % n for n in range(50))
    defects: list[str] = []
    assert limit_parts(raw, 10, defects) == raw and defects == []


def test_the_delimiters_beyond_the_limit_are_cut_with_a_defect():
    raw = multipart(50)
    defects: list[str] = []
    cut = limit_parts(raw, 10, defects)
    assert cut.count(b"--BND") == 10 and raw.startswith(cut)
    assert defects == ["more than 10 MIME part delimiters; the rest was not read"]
