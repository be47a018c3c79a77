"""A reading process reads several documents in turn, and is replaced as soon as reusing it
could let one document affect the next: at its document count, after an outside program,
past half its memory limit, or when it is gone."""

from __future__ import annotations

import os
import shutil
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers import ParseLimits, parse_attachment, sandbox
from tests.fixtures.ci import require
from tests.parsers import builders as b
from tests.parsers import scan_builders as scans

SEEKING = b.to_bytes(b.filled(mode="seeking", sponsorship="Yes"))
OFFERING = b.to_bytes(b.filled(mode="offering", sponsorship="No", style="legacy"))
LIMITS = ParseLimits(documents_per_process=3)


@pytest.fixture(autouse=True)
def fresh_helpers():
    """Each test starts with no reading process left by another."""
    sandbox.stop_helpers()


def _reading_processes() -> list[int]:
    """The live children of the helper that read the last document (the pool hands the
    most recently returned helper out first)."""
    helper = sandbox._POOL.idle[-1].process.pid
    children: list[int] = []
    for task in Path(f"/proc/{helper}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def test_one_process_reads_documents_in_turn_up_to_its_count():
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    first = _reading_processes()
    parse_attachment("offering.docx", OFFERING, limits=LIMITS)
    assert _reading_processes() == first and len(first) == 1
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    assert _reading_processes() == []  # the third document was its last
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    assert len(_reading_processes()) == 1 and _reading_processes() != first


def test_a_reused_process_reads_each_document_as_a_fresh_one_does():
    fresh = replace(LIMITS, documents_per_process=1)
    alone = [parse_attachment(n, d, limits=fresh) for n, d in [("a.docx", SEEKING)] * 2]
    in_turn = [
        parse_attachment(name, data, limits=replace(LIMITS, documents_per_process=100))
        for name, data in [("a.docx", SEEKING), ("b.docx", OFFERING), ("a.docx", SEEKING)]
    ]
    offering_alone = parse_attachment("b.docx", OFFERING, limits=fresh)
    assert in_turn[0] == alone[0] and in_turn[2] == alone[1]
    assert in_turn[1] == offering_alone
    assert in_turn[0].fields["mode"].value != in_turn[1].fields["mode"].value


def test_a_process_that_ran_an_outside_program_reads_nothing_more():
    require(shutil.which("tesseract") is not None, "Tesseract OCR")
    page = Image.new("L", (850, 1100), "white")  # shaped like a page, so OCR reads it
    font = ImageFont.load_default(size=36)
    for row, line in enumerate(["Annex 1", "Application form", "National Authority"]):
        ImageDraw.Draw(page).text((80, 100 + 60 * row), line, fill="black", font=font)
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    assert len(_reading_processes()) == 1
    doc = parse_attachment("page.png", scans.picture(page), limits=LIMITS)
    assert "Application form" in doc.text  # Tesseract read it
    assert _reading_processes() == []


def test_a_process_past_half_its_memory_limit_reads_nothing_more():
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    helper = sandbox._POOL.idle[-1].process.pid
    status = Path(f"/proc/{helper}/status").read_text()
    size = next(int(line.split()[1]) * 1024 for line in status.splitlines() if "VmSize" in line)
    # A fresh reading process starts as large as its helper, past half this limit.
    limits = replace(LIMITS, memory_bytes=int(size * 1.6))
    doc = parse_attachment("seeking.docx", SEEKING, limits=limits)
    assert doc.role == "application_form"
    assert _reading_processes() == []


def test_a_process_killed_while_it_waits_is_replaced_for_the_next_document():
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    (reader,) = _reading_processes()
    os.kill(reader, signal.SIGKILL)
    doc = parse_attachment("offering.docx", OFFERING, limits=LIMITS)
    assert doc.role == "application_form", doc.problems
    assert reader not in _reading_processes()


def test_a_reading_process_holds_none_of_the_pipes_between_worker_and_helper():
    parse_attachment("seeking.docx", SEEKING, limits=LIMITS)
    helper = sandbox._POOL.idle[-1].process
    assert helper.stdin is not None and helper.stdout is not None
    to_worker = {os.fstat(pipe.fileno()).st_ino for pipe in (helper.stdin, helper.stdout)}
    (reader,) = _reading_processes()
    held = {
        (Path(f"/proc/{reader}/fd") / fd).stat().st_ino for fd in os.listdir(f"/proc/{reader}/fd")
    }
    assert len(held) >= 3  # its own two pipes and standard error at least
    assert not held & to_worker  # so the worker sees the helper go when it goes
