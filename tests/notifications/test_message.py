"""Building the reply message: parts, RFC 3834 headers, encoded subjects, no header injection."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from typing import Any

import pytest

from common.errors import DeliveryError, HeaderInjectionError
from notifications.message import build_reply, deterministic_message_id
from notifications.render import RenderedReply

REPLY = RenderedReply(
    subject="Programme de mentorat : demande MPP-2025-00042 incomplète",
    text="Madame, Monsieur,\n\nLa demande est incomplète.\n",
    html="<p>La demande est <strong>incomplète</strong>.</p>",
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build(**changes: Any) -> email.message.EmailMessage:
    arguments: dict[str, Any] = {
        "from_address": '"OPCW Mentorship/Partnership Programme" <ipb@opcw.org>',
        "to": ["clarisse.sow@anc.gouv.km"],
        "cc": ["solomon.haile@opcw.org"],
        "in_reply_to": "<654575332.719@anc.gouv.km>",
        "references": None,
        "message_id": deterministic_message_id("MPP-2025-00042/incomplete/1", "opcw.org"),
        "date": datetime(2025, 4, 14, 11, 31, tzinfo=UTC),
    }
    rendered = changes.pop("rendered", REPLY)
    arguments.update(changes)
    return build_reply(rendered, **arguments)


def reparsed(message: email.message.EmailMessage) -> email.message.EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_text_and_html_alternatives_survive_the_wire() -> None:
    message = reparsed(build())
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == REPLY.text
    assert "<strong>incomplète</strong>" in html.get_content()


def test_reply_headers() -> None:
    message = reparsed(build())
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<654575332.719@anc.gouv.km>"
    assert message["References"] == "<654575332.719@anc.gouv.km>"
    assert message["To"] == "clarisse.sow@anc.gouv.km"
    assert message["Cc"] == "solomon.haile@opcw.org"
    assert message["Date"] == "Mon, 14 Apr 2025 11:31:00 +0000"
    assert message["Subject"] == REPLY.subject


def test_non_ascii_subject_goes_out_as_encoded_words() -> None:
    raw = build().as_bytes()
    subject_line = next(line for line in raw.split(b"\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject_line
    assert all(byte < 128 for byte in raw)


def test_a_first_message_without_thread_has_no_thread_headers() -> None:
    message = build(in_reply_to=None)
    assert message["In-Reply-To"] is None and message["References"] is None
    assert message["Cc"] == "solomon.haile@opcw.org"


def test_attachments_make_it_mixed() -> None:
    message = reparsed(build(attachments=[("Annexe 1 – formulaire.docx", DOCX, b"PK\x03\x04")]))
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "Annexe 1 – formulaire.docx"
    assert attachment.get_content_type() == DOCX
    assert attachment.get_content() == b"PK\x03\x04"
    assert message.get_body(("plain",)) is not None


def test_a_malformed_content_type_is_sent_as_octet_stream() -> None:
    message = build(attachments=[("x.bin", "not a type", b"\x00\x01")])
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/octet-stream"


@pytest.mark.parametrize(
    "changes",
    [
        {"from_address": "ipb@opcw.org\r\nBcc: evil@example.org"},
        {"to": ["a@example.org\r\nBcc: evil@example.org"]},
        {"cc": ["a@example.org\nBcc: evil@example.org"]},
        {"in_reply_to": "<a@b>\rBcc: evil@example.org"},
        {"references": "<a@b>\r\n<c@d>"},
        {"message_id": "<a@b>\nX-Injected: 1"},
        {"rendered": RenderedReply("Subject\r\nBcc: evil@example.org", "t", "<p>h</p>")},
        {"rendered": RenderedReply("Subject\u2028Bcc: evil@example.org", "t", "<p>h</p>")},
        {"attachments": [("form.docx\r\nX-Injected: 1", DOCX, b"PK")]},
        {"attachments": [("form.docx", "application/pdf\r\nX-Injected: 1", b"%PDF")]},
    ],
)
def test_a_line_break_in_any_header_value_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(HeaderInjectionError):
        build(**changes)


def test_a_reply_needs_a_recipient() -> None:
    with pytest.raises(DeliveryError):
        build(to=["", "  "])


def test_message_id_is_deterministic() -> None:
    first = deterministic_message_id("MPP-2025-00042/incomplete/1", "opcw.org")
    assert first == deterministic_message_id("MPP-2025-00042/incomplete/1", "opcw.org")
    assert first != deterministic_message_id("MPP-2025-00042/incomplete/2", "opcw.org")
    assert first.startswith("<") and first.endswith("@opcw.org>")


def test_message_id_domain_cannot_inject() -> None:
    with pytest.raises(HeaderInjectionError):
        deterministic_message_id("key", "opcw.org\r\nBcc: evil@example.org")


def test_without_html_the_reply_is_plain_text() -> None:
    message = reparsed(build(rendered=RenderedReply(REPLY.subject, REPLY.text, None)))
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == REPLY.text


def test_subjects_survive_the_wire_unchanged():
    import email
    import email.policy

    from notifications.message import build_reply, to_wire
    from notifications.render import RenderedReply

    subjects = [
        "Mentorship/Partnership Programme: application MPP-2025-00001 is incomplete",
        "Programme de mentorat : la demande MPP-2025-00001 est incomplète et doit être complétée",
        "Programa de mentoría: la solicitud MPP-2025-00001 está incompleta — añada el anexo 2",
    ]
    for subject in subjects:
        message = build_reply(
            RenderedReply(subject, "text", None),
            from_address="ipb@opcw.org",
            to=["a@example.org"],
            message_id="<x@opcw.org>",
        )
        wire = to_wire(message)
        assert b"\r\n" in wire
        parsed = email.message_from_bytes(wire, policy=email.policy.default)
        assert parsed["Subject"] == subject
