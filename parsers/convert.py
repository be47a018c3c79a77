"""Legacy word-processor files (.doc, .odt, .rtf) -> .docx through LibreOffice, then the
.docx reader.

LibreOffice opening untrusted files is an attack surface, so it runs inside the reading
process's limits (memory, CPU, and the time limit of a conversion), with a throwaway
profile, a bare environment, its own scratch folder, and no network where the system lets
a process drop it (a private network namespace through ``unshare``). Without LibreOffice the
document is reported (CONVERSION_UNAVAILABLE) for a person to read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

from common.errors import ParserError, ParserLimitExceeded
from parsers import deadline, programs
from parsers.docx_reader import read_docx
from parsers.errors import ConversionUnavailable, UnsupportedDocument
from parsers.layout import Layout
from parsers.limits import ParseLimits

FORMAT_NAMES = {"doc": "Word 97-2003 (.doc)", "odt": "OpenDocument (.odt)", "rtf": "RTF"}
_DOCX_FILTER = "docx:MS Word 2007 XML"
_NO_NETWORK = ("unshare", "--net", "--map-root-user")


def read_converted(data: bytes, kind: str, limits: ParseLimits) -> Layout:
    """The layout of a .doc, .odt or .rtf file (``kind``), read as the .docx it converts to."""
    if kind == "rtf" and not _looks_like_rtf(data):
        raise UnsupportedDocument("the file starts like RTF but is not text")
    converted = convert_to_docx(data, kind, limits)
    return replace(read_docx(converted, limits), format=kind)


def convert_to_docx(data: bytes, kind: str, limits: ParseLimits) -> bytes:
    """The document converted to .docx by LibreOffice."""
    program = shutil.which(limits.libreoffice_command)
    if program is None:
        raise ConversionUnavailable(
            f"a {FORMAT_NAMES[kind]} file, and LibreOffice is not installed to convert it: "
            "please send the form as .docx or PDF"
        )
    deadline.extend_to(limits.conversion_timeout_seconds + limits.timeout_seconds)
    with tempfile.TemporaryDirectory(prefix="mpp-convert-") as scratch:
        folder = Path(scratch)
        source = folder / f"document.{kind}"
        source.write_bytes(data)
        _run(_command(program, folder, source), folder, limits)
        result = folder / "out" / "document.docx"
        if not result.is_file():
            raise ParserError(f"LibreOffice could not convert the {FORMAT_NAMES[kind]} file")
        if result.stat().st_size > limits.max_input_bytes * 4:
            raise ParserLimitExceeded("the converted document is too large")
        return result.read_bytes()


def _looks_like_rtf(data: bytes) -> bool:
    """RTF is text: control bytes are refused (unless binary data is announced with \\bin),
    so that garbage is not handed to LibreOffice."""
    sample = data[:65536]
    if b"\\bin" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in (0x09, 0x0A, 0x0D))
    return controls <= len(sample) // 1000


def _command(program: str, folder: Path, source: Path) -> list[str]:
    profile = (folder / "profile").as_uri()
    command = [
        program,
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        f"-env:UserInstallation={profile}",
        "--convert-to",
        _DOCX_FILTER,
        "--outdir",
        str(folder / "out"),
        str(source),
    ]
    return [*_NO_NETWORK, *command] if network_can_be_dropped() else command


def _run(command: list[str], folder: Path, limits: ParseLimits) -> None:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder)}
    environment.update(LANG="C.UTF-8", TMPDIR=str(folder), SAL_USE_VCLPLUGIN="svp")
    try:
        programs.run(
            command,
            cwd=folder,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=deadline.remaining(limits.conversion_timeout_seconds),
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ParserLimitExceeded(
            "converting the document took longer than the time limit"
        ) from error
    except OSError as error:
        raise ConversionUnavailable(f"LibreOffice cannot be run: {error}") from error


@cache
def network_can_be_dropped() -> bool:
    """Whether this system lets an ordinary process start without network (asked once)."""
    if shutil.which(_NO_NETWORK[0]) is None:
        return False
    try:
        done = programs.run([*_NO_NETWORK, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
