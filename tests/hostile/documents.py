"""Hostile documents built in the test: bombs, lies about size, disguises, encryption."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from pypdf import PdfReader, PdfWriter

from tests.hostile.forms import form_docx
from tests.parsers.builders import FORMS

BLANK_PDF = (FORMS / "annex1-application-form.pdf").read_bytes()
W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with(parts: dict[str, bytes], *, source: bytes | None = None) -> bytes:
    """The filled form with some package parts replaced or added."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source or form_docx())) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in original.infolist():
            if item.filename not in parts:
                target.writestr(item, original.read(item))
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    """A .docx whose document part inflates from kilobytes to 200 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        with zipfile.ZipFile(io.BytesIO(form_docx())) as original:
            for item in original.infolist():
                if item.filename != "word/document.xml":
                    target.writestr(item, original.read(item))
        with target.open("word/document.xml", "w", force_zip64=True) as handle:
            chunk = b" " * (1024 * 1024)
            for _ in range(200):
                handle.write(chunk)
    return buffer.getvalue()


def billion_laughs_docx() -> bytes:
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (level, b"&l%d;" % (level - 1) * 10) for level in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]>"
        b'<w:document xmlns:w="' + W_NS + b'"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>'
        b"</w:body></w:document>"
    )
    return docx_with({"word/document.xml": xml})


def external_entity_docx(target: str = "file:///etc/passwd") -> bytes:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "'
        + target.encode()
        + b'">]><w:document xmlns:w="'
        + W_NS
        + b'"><w:body><w:p><w:r><w:t>National Authority: &x;</w:t></w:r></w:p></w:body>'
        b"</w:document>"
    )
    return docx_with({"word/document.xml": xml})


def macro_docm() -> bytes:
    """The filled form saved as macro-enabled, with a VBA project that runs on opening."""
    types = zipfile.ZipFile(io.BytesIO(form_docx())).read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    ).replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = AutoOpen Shell(calc)" * 20
    return docx_with({"[Content_Types].xml": types, "word/vbaProject.bin": vba})


def encrypted_pdf(password: str = "secret") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(BLANK_PDF)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_pages_pdf(pages: int = 5000) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def lying_page_count_pdf(count: int = 2_000_000_000) -> bytes:
    """One real page in a page tree that claims ``count`` pages."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def huge_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` pixels, with almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def renamed_exe() -> bytes:
    """The start of a Windows program (MZ header, PE signature), named like a form."""
    return (
        b"MZ\x90\x00\x03"
        + bytes(55)
        + b"\x80\x00\x00\x00"
        + bytes(64)
        + b"PE\x00\x00"
        + bytes(4000)
    )
