""".doc, .odt and .rtf forms, converted by LibreOffice, read like the .docx they came from."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from parsers import ParseLimits, parse_attachment
from parsers.model import ANNEX1_FIELDS
from tests.fixtures.ci import require
from tests.parsers import builders as b
from tests.parsers import scan_builders as scans

FORMATS = ("odt", "rtf", "doc")


@pytest.fixture(scope="module")
def filled_docx() -> bytes:
    return b.to_bytes(b.filled(mode="seeking", sponsorship="No", style="cc"))


@pytest.fixture(scope="module")
def converted(filled_docx, tmp_path_factory) -> dict[str, bytes]:
    """The filled form saved by LibreOffice in each legacy format."""
    require(shutil.which("soffice") is not None, "LibreOffice (libreoffice-writer-nogui)")
    folder = tmp_path_factory.mktemp("legacy")
    source = folder / "form.docx"
    source.write_bytes(filled_docx)
    made = {}
    for kind in FORMATS:
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation={(folder / 'p').as_uri()}",
                "--convert-to",
                kind,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        made[kind] = (folder / f"form.{kind}").read_bytes()
    return made


@pytest.mark.parametrize("kind", FORMATS)
def test_legacy_form_reads_as_its_docx(kind, converted, filled_docx):
    original = parse_attachment("form.docx", filled_docx)
    doc = parse_attachment(f"form.{kind}", converted[kind])
    assert doc.format == kind and doc.role == "application_form" and doc.problems == ()
    for name in ANNEX1_FIELDS:
        assert doc.fields[name].value == original.fields[name].value, name
    assert doc.fields["mode"].value == "seeking"
    assert doc.fields["sponsorship_required"].value is False


def test_the_format_is_known_from_the_bytes_not_the_name(converted):
    doc = parse_attachment("annex1.docx", converted["odt"])
    assert doc.format == "odt" and doc.role == "application_form"


def test_without_libreoffice_staff_get_a_clear_finding(converted):
    limits = ParseLimits(libreoffice_command="no-such-libreoffice")
    doc = parse_attachment("form.odt", converted["odt"], limits=limits)
    assert doc.role == "other" and doc.format == "odt"
    (problem,) = doc.problems
    assert problem.code == "CONVERSION_UNAVAILABLE"
    assert "LibreOffice is not installed" in problem.message and ".docx or PDF" in problem.message


def test_a_hanging_converter_is_stopped_with_everything_it_started(tmp_path, converted):
    """A converter that never finishes and leaves a process behind: the document gets
    PARSE_LIMIT and nothing the converter started outlives it."""
    pid_file = tmp_path / "pid"
    hanging = tmp_path / "fake-soffice"
    hanging.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    hanging.chmod(0o755)
    limits = ParseLimits(libreoffice_command=str(hanging), conversion_timeout_seconds=1.0)
    started = time.monotonic()
    doc = parse_attachment("form.rtf", converted["rtf"], limits=limits)
    assert [p.code for p in doc.problems] == ["PARSE_LIMIT"]
    assert time.monotonic() - started < 15
    assert not _alive(int(pid_file.read_text()))


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        if Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z"):
            return False
        time.sleep(0.1)
    return True


def test_broken_legacy_files_are_reported_not_guessed():
    require(shutil.which("soffice") is not None, "LibreOffice (libreoffice-writer-nogui)")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le")
    doc = parse_attachment("form.doc", ole)
    assert doc.role == "other" and [p.code for p in doc.problems] == ["PARSE_FAILED"]


def test_a_scan_of_a_legacy_form_converted_to_pdf(converted, tmp_path):
    """The same .odt printed to PDF and scanned: LibreOffice's layout read by OCR."""
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    source = tmp_path / "form.odt"
    source.write_bytes(converted["odt"])
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = scans.page_images((tmp_path / "form.pdf").read_bytes())
    doc = parse_attachment("scan.pdf", scans.image_pdf(pages))
    assert doc.format == "pdf-scan" and doc.role == "application_form"
    assert doc.fields["state_party"].value == "Republic of Kenya"
    assert doc.fields["mode"].value == "seeking"
    assert doc.fields["sponsorship_required"].value is False
    assert doc.fields["emails"].value == ["w.otieno@nacwc.go.ke", "info@nacwc.go.ke"]
