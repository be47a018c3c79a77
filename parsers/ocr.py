"""Tesseract on one page image: the words it reads, with their boxes and confidences.

Tesseract runs as a command ("tesseract stdin stdout ... tsv"), fed the page as an
uncompressed greyscale image, with one thread: its OpenMP threads make it several times
slower on small machines. It gets the time the reading process has left.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from PIL import Image

from common.errors import ParserError, ParserLimitExceeded
from parsers import deadline, programs
from parsers.errors import ConversionUnavailable
from parsers.limits import ParseLimits

_WORD_LEVEL = "5"
_ENVIRONMENT_KEPT = ("PATH", "TESSDATA_PREFIX", "LANG", "LC_ALL")


@dataclass(frozen=True)
class OcrWord:
    """One recognised word, in pixels of the page image; ``line`` tells Tesseract's lines
    apart (block, paragraph, line)."""

    text: str
    x0: int
    top: int
    x1: int
    bottom: int
    confidence: float  # 0..1
    line: tuple[int, int, int]


def tesseract_path(limits: ParseLimits) -> str | None:
    """The Tesseract program, or None when it is not installed."""
    return shutil.which(limits.tesseract_command)


def languages(limits: ParseLimits) -> list[str]:
    """The wanted languages that are installed, the first configured first."""
    program = tesseract_path(limits)
    if program is None:
        raise ConversionUnavailable("OCR (Tesseract) is not installed")
    installed = installed_languages(program)
    wanted = [name for name in limits.ocr_languages.split("+") if name in installed]
    if not wanted:
        usable = sorted(installed - {"osd"})
        if not usable:
            raise ConversionUnavailable("Tesseract has no language data installed")
        wanted = usable[:1]
    return wanted


@cache
def installed_languages(program: str) -> frozenset[str]:
    """The languages Tesseract has data for (asked once per process)."""
    try:
        done = programs.run(
            [program, "--list-langs"], capture_output=True, timeout=20, env=_environment()
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def recognise(image: Image.Image, dpi: int, language: str, limits: ParseLimits) -> list[OcrWord]:
    """The words Tesseract reads on a greyscale page image, in ``language`` ("eng",
    "fra+eng"...)."""
    program = tesseract_path(limits)
    if program is None:
        raise ConversionUnavailable("OCR (Tesseract) is not installed")
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    command = [program, "stdin", "stdout", "--dpi", str(dpi), "--psm", "3", "-l", language, "tsv"]
    try:
        done = programs.run(
            command,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=deadline.remaining(limits.scan_timeout_seconds),
            env=_environment(),
        )
    except subprocess.TimeoutExpired as error:
        raise ParserLimitExceeded("OCR took longer than the time limit") from error
    except OSError as error:
        raise ConversionUnavailable(f"Tesseract cannot be run: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()[-300:]
        raise ParserError(f"Tesseract failed: {message}")
    return joined_addresses(parse_tsv(done.stdout.decode("utf-8", "replace")))


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Words of Tesseract's TSV output (level 5 rows with text)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != _WORD_LEVEL or not cells[11].strip():
            continue
        try:
            left, top, width, height = (int(c) for c in cells[6:10])
            confidence = float(cells[10])
            line = (int(cells[2]), int(cells[3]), int(cells[4]))
        except ValueError:
            continue
        text = cells[11].strip().strip("|")
        if not text:
            continue  # a ruled line read as "|"
        score = min(max(confidence / 100, 0.0), 1.0)
        words.append(OcrWord(text, left, top, left + width, top + height, score, line))
    return words


def joined_addresses(words: list[OcrWord]) -> list[OcrWord]:
    """Words of one line split at an "@" joined again: OCR often reads "name @domain"."""
    joined: list[OcrWord] = []
    for word in words:
        last = joined[-1] if joined else None
        if last is not None and last.line == word.line and _split_address(last.text, word.text):
            joined[-1] = OcrWord(
                last.text + word.text,
                last.x0,
                min(last.top, word.top),
                word.x1,
                max(last.bottom, word.bottom),
                min(last.confidence, word.confidence),
                last.line,
            )
        else:
            joined.append(word)
    return joined


def _split_address(before: str, after: str) -> bool:
    if before.endswith("@"):
        return bool(after) and after[0].isalnum()
    return after.startswith("@") and len(after) > 1 and bool(before) and before[-1].isalnum()


def _environment() -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k in _ENVIRONMENT_KEPT}
    return {**kept, "OMP_THREAD_LIMIT": "1"}
