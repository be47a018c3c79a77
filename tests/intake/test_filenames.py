"""Attachment names from senders are made safe to store and to show."""

from __future__ import annotations

import pytest

from intake.filenames import DEFAULT_NAME, MAX_LENGTH, safe_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil", "evil"),
        ("C:\\x\\y.docx", "y.docx"),
        ("\\\\server\\share\\annex1.docx", "annex1.docx"),
        ("annex\x00one\x07.docx", "annexone.docx"),
        ("line\r\nbreak.pdf", "line break.pdf"),
        ("tab\there.pdf", "tab here.pdf"),
        ("annex\u202excod.exe", "annexxcod.exe"),
        ("\u2067form\u2069.pdf\u200f", "form.pdf"),
        ("..hidden.docx", "hidden.docx"),
        ("  spaced   out  .pdf ", "spaced out .pdf"),
        ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
        ("Formulário de candidatura ﻿.docx", "Formulário de candidatura .docx"),
        ("Заявка № 1.pdf", "Заявка № 1.pdf"),
        ("申请表.docx", "申请表.docx"),
    ],
)
def test_names_are_cleaned(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", [None, "", "   ", "..", "../", "\u202e", "\x00\x01", "C:\\"])
def test_empty_names_get_the_default(name):
    assert safe_filename(name) == DEFAULT_NAME


def test_the_rtl_trick_cannot_hide_the_real_extension():
    cleaned = safe_filename("annex\u202excod.exe")
    assert cleaned.endswith(".exe") and "\u202e" not in cleaned


def test_very_long_names_keep_their_extension():
    cleaned = safe_filename("a" * 10_000 + ".docx")
    assert len(cleaned) == MAX_LENGTH and cleaned.endswith("a.docx")


def test_very_long_names_without_a_real_extension_are_cut():
    assert len(safe_filename("b" * 500)) == MAX_LENGTH
    assert len(safe_filename("c" * 300 + "." + "d" * 40)) == MAX_LENGTH


def test_cleaning_is_stable():
    for name in ("../a/b.docx", "x\u202ey.pdf", "  .  z  ", "a" * 400 + ".pdf"):
        once = safe_filename(name)
        assert safe_filename(once) == once
