"""Attachments are found wherever applicants put them, with their names decoded."""

from __future__ import annotations

import base64

from intake.mime import parse_message
from tests.intake.invariants import check_parsed
from tests.intake.messages import DOCX_TYPE, PROGRAMME, forwarded, plain, with_file, zipped

DOCX = "/".join(DOCX_TYPE)
FORM = b"PK\x03\x04 not really a form"


def parse(raw: bytes):
    parsed = parse_message(raw, programme_address=PROGRAMME)
    check_parsed(parsed)
    return parsed


def multipart(*parts: bytes) -> bytes:
    """A multipart/mixed message from raw part texts (headers, blank line, body)."""
    head = (
        b"From: ana@na.example.org\r\nTo: ipb@opcw.org\r\nSubject: forms\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BND"\r\n\r\n'
    )
    body = b"".join(b"--BND\r\n" + part + b"\r\n" for part in parts)
    return head + b"--BND\r\nContent-Type: text/plain\r\n\r\nhello\r\n" + body + b"--BND--\r\n"


def test_rfc2231_name_written_by_the_standard_library():
    message = with_file(plain(), "Formulaire d’inscription – Annexe 1.docx", FORM, DOCX)
    (attachment,) = parse(message.as_bytes()).attachments
    assert attachment.filename == "Formulaire d’inscription – Annexe 1.docx"
    assert attachment.data == FORM and attachment.content_type == DOCX


def test_rfc2231_continuations_in_latin1():
    part = (
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment;\r\n"
        b" filename*0*=iso-8859-1''Formulario%20de%20solicitud%20;\r\n"
        b" filename*1*=Espa%F1a.pdf\r\n\r\n" + base64.b64encode(b"%PDF-1.4 x")
    )
    (attachment,) = parse(multipart(part)).attachments
    assert attachment.filename == "Formulario de solicitud España.pdf"
    assert attachment.data == b"%PDF-1.4 x"


def test_encoded_word_names_in_name_and_filename():
    word = base64.b64encode("Anexo 1 – solicitud ñ.pdf".encode()).decode()
    part = (
        f'Content-Type: application/pdf; name="=?UTF-8?B?{word}?="\r\n'
        'Content-Disposition: attachment; filename="=?UTF-8?Q?Anexo_1_=E2=80=93_solicitud_'
        '=C3=B1.pdf?="\r\nContent-Transfer-Encoding: base64\r\n\r\nZGF0YQ=='
    ).encode()
    (attachment,) = parse(multipart(part)).attachments
    assert attachment.filename == "Anexo 1 – solicitud ñ.pdf" and attachment.data == b"data"


def test_name_only_in_content_type_and_unquoted():
    part = b"Content-Type: application/pdf; name=Annex 2 results.pdf\r\n\r\n%PDF-1.4"
    (attachment,) = parse(multipart(part)).attachments
    assert attachment.filename == "Annex 2 results.pdf"


def test_a_nameless_attachment_gets_a_default_name_with_its_type():
    part = b"Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\n%PDF-1.4"
    (attachment,) = parse(multipart(part)).attachments
    assert attachment.filename.endswith(".pdf") and attachment.filename != ".pdf"


def test_attachment_inside_a_forwarded_message():
    inner = with_file(plain(subject="Our application"), "annex1.docx", FORM, DOCX)
    parsed = parse(forwarded(inner).as_bytes())
    (attachment,) = parsed.attachments
    assert attachment.filename == "annex1.docx" and attachment.data == FORM
    assert "Our application" in attachment.origin
    assert parsed.body_text.startswith("Forwarding")  # the outer body, not the inner one


def test_attachments_inside_a_message_forwarded_twice():
    inner = with_file(plain(subject="Original"), "annex2.pdf", b"%PDF-1.7", "application/pdf")
    middle = with_file(forwarded(inner, subject="Fwd: Original"), "a.txt", b"x", "text/plain")
    outer = forwarded(middle, subject="Fwd: Fwd: Original")
    names = {item.filename: item.origin for item in parse(outer.as_bytes()).attachments}
    assert set(names) == {"annex2.pdf", "a.txt"}
    assert "Original" in names["annex2.pdf"] and names["annex2.pdf"].count("forwarded") == 2
    assert names["a.txt"].count("forwarded") == 1


def test_files_inside_a_zip_are_taken_out():
    archive = zipped({"forms/annex1.docx": FORM, "annex2.pdf": b"%PDF-1.4", "__MACOSX/._x": b""})
    message = with_file(plain(), "application.zip", archive, "application/zip")
    found = {item.filename: item for item in parse(message.as_bytes()).attachments}
    assert set(found) == {"annex1.docx", "annex2.pdf"}
    assert found["annex1.docx"].data == FORM
    assert found["annex1.docx"].content_type == DOCX
    assert "zip: application.zip" in found["annex2.pdf"].origin


def test_a_zip_inside_a_forwarded_message():
    archive = zipped({"annex1.docx": FORM})
    inner = with_file(
        plain(subject="Zipped forms"), "forms.zip", archive, "application/octet-stream"
    )
    (attachment,) = parse(forwarded(inner).as_bytes()).attachments
    assert attachment.filename == "annex1.docx" and attachment.data == FORM
    assert "Zipped forms" in attachment.origin and "zip: forms.zip" in attachment.origin


def test_a_broken_zip_is_kept_whole_with_a_defect():
    message = with_file(plain(), "forms.zip", b"PK\x03\x04broken", "application/zip")
    parsed = parse(message.as_bytes())
    (attachment,) = parsed.attachments
    assert attachment.filename == "forms.zip" and any("forms.zip" in d for d in parsed.defects)


def test_inline_images_are_flagged_inline_and_real_files_are_not():
    message = plain()
    message.add_alternative("<p>Signed <img src='cid:logo@x'></p>", subtype="html")
    html = message.get_payload()[1]
    html.add_related(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", cid="<logo@x>")
    with_file(message, "scan.png", b"\x89PNG\r\n\x1a\nscan", "image/png")
    found = {item.data: item for item in parse(message.as_bytes()).attachments}
    assert found[b"\x89PNG\r\n\x1a\n"].inline is True
    assert found[b"\x89PNG\r\n\x1a\nscan"].inline is False


def test_a_text_attachment_is_an_attachment_not_the_body():
    message = with_file(plain(body="The body."), "notes.txt", b"Annex notes", "text/plain")
    parsed = parse(message.as_bytes())
    assert parsed.body_text.strip() == "The body."
    assert [item.filename for item in parsed.attachments] == ["notes.txt"]


def test_a_docx_labelled_as_a_zip_is_kept_whole():
    package = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    for name, ctype in (("annex1.docx", "application/zip"), ("annex1.zip", "application/zip")):
        message = with_file(plain(), name, package, ctype)
        (attachment,) = parse(message.as_bytes()).attachments
        assert (attachment.filename, attachment.data) == (name, package)
