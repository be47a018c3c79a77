"""Zip attachments are opened within limits: bombs, depth, encryption and odd names."""

from __future__ import annotations

import io
import zipfile

from intake.archives import ZipLimits, is_zip, unpack_zip
from tests.intake.messages import zipped


def unpack(data: bytes, limits: ZipLimits | None = None):
    defects: list[str] = []
    return unpack_zip(data, "forms.zip", defects, limits or ZipLimits()), defects


def test_members_come_out_with_their_types():
    members, defects = unpack(zipped({"a/annex1.docx": b"PK..", "b.pdf": b"%PDF", "c.qqq": b"?"}))
    types = {member.filename: member.content_type for member in members}
    assert types["annex1.docx"].endswith("wordprocessingml.document")
    assert types["b.pdf"] == "application/pdf" and types["c.qqq"] == "application/octet-stream"
    assert defects == []


def test_a_zip_bomb_member_is_skipped_and_the_rest_kept():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("annex1.docx", b"form")
        archive.writestr("bomb.txt", b"\0" * (50 * 1024 * 1024))
    members, defects = unpack(buffer.getvalue())
    assert [member.filename for member in members] == ["annex1.docx"]
    assert any("bomb.txt" in defect for defect in defects)


def test_the_total_budget_holds_across_members():
    limits = ZipLimits(max_total_bytes=1000, max_ratio=10_000)
    members, defects = unpack(zipped({f"{n}.txt": b"x" * 400 for n in range(5)}), limits)
    assert len(members) == 2 and defects


def test_too_many_members_are_cut():
    members, defects = unpack(zipped({f"{n}.txt": b"x" for n in range(300)}))
    assert len(members) == ZipLimits().max_members and any("300" in d for d in defects)


def test_nested_zips_are_opened_to_a_depth():
    data = zipped({"annex1.docx": b"form"})
    for level in range(5):
        data = zipped({f"level{level}.zip": data, f"note{level}.txt": b"n"})
    members, defects = unpack(data)
    names = [member.filename for member in members]
    assert "note4.txt" in names and "annex1.docx" not in names
    assert any("nested too deep" in defect for defect in defects)
    deepest = [member for member in members if member.filename.endswith(".zip")]
    assert deepest and deepest[0].content_type == "application/zip"  # kept whole for staff


def test_an_encrypted_member_is_skipped_with_a_reason():
    data = bytearray(zipped({"secret.docx": b"form", "open.pdf": b"%PDF"}))
    # Set the "encrypted" flag of the first member in its local and central headers.
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    members, defects = unpack(bytes(data))
    assert [member.filename for member in members] == ["open.pdf"]
    assert any("encrypted" in defect for defect in defects)


def test_member_paths_and_control_characters_are_cleaned():
    members, _ = unpack(
        zipped(
            {"../../etc/cron.d/evil.docx": b"x", "dir\\win\\form.pdf": b"y", "a\u202eb.pdf": b"z"}
        )
    )
    assert sorted(member.filename for member in members) == ["ab.pdf", "evil.docx", "form.pdf"]


def test_utf8_names_without_the_utf8_flag_are_read_as_utf8():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("Formulaire.docx")
        archive.writestr(info, b"x")
    raw = buffer.getvalue().replace(b"Formulaire", "Formulé_1".encode())  # same length
    members, _ = unpack(raw)
    assert members[0].filename == "Formulé_1.docx"


def test_junk_added_by_archivers_is_skipped():
    members, _ = unpack(zipped({"__MACOSX/._a.docx": b"x", ".DS_Store": b"x", "a.docx": b"y"}))
    assert [member.filename for member in members] == ["a.docx"]


def test_a_broken_zip_says_so():
    members, defects = unpack(b"PK\x03\x04 truncated")
    assert members is None and defects


def test_is_zip_by_type_or_name():
    assert is_zip("x.ZIP", "application/octet-stream")
    assert is_zip("x", "application/x-zip-compressed")
    assert not is_zip("x.docx", "application/octet-stream")


def test_an_office_document_inside_a_zip_under_a_zip_name_is_kept_whole():
    package = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    members, defects = unpack(zipped({"annex1.zip": package, "note.txt": b"n"}))
    assert {member.filename: member.data for member in members} == {
        "annex1.zip": package,
        "note.txt": b"n",
    }
    assert defects == []
    assert not is_zip("annex1.docx", "application/zip")
