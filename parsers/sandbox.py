"""``parse_attachment``: read one attachment in a child process under size, time and memory
limits. Whatever happens (a crash, a hang, a bomb, bad bytes) the caller gets an
ExtractedDocument, never an exception. ``run_in_sandbox`` runs any task of the reading
processes (the worker reads MIME there too) and raises ``SandboxFailure`` instead.

Reading processes are forked by helper processes (``parsers.sandbox_helper``) that have
already imported every reader, so a reading process starts warm; it does up to
``documents_per_process`` requests, each under its own limits, and is replaced at once
after one that hit a limit or ran an outside program. The caller's own threads are never
forked. Helpers are kept in a small pool, one per concurrent caller.
"""

from __future__ import annotations

import atexit
import os
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, ParseProblem
from parsers.sniff import PARSED_KINDS, looks_like_document, sniff
from parsers.transport import (
    Request,
    TransportError,
    decode_document,
    read_failure,
    read_within,
    write_request,
)

__all__ = [
    "ParseLimits",
    "Request",
    "SandboxFailure",
    "parse_attachment",
    "run_in_sandbox",
    "start_helpers",
    "stop_helpers",
]

T = TypeVar("T")

_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
_HELPER_GRACE_SECONDS = 20.0  # on top of the document's own time limit
_MAX_IDLE_HELPERS = 4


def parse_attachment(
    filename: str, data: bytes, *, limits: ParseLimits | None = None
) -> ExtractedDocument:
    """Everything mpp can read from one attachment (see ``ExtractedDocument``)."""
    limits = limits or ParseLimits()
    try:
        kind = sniff(data)
        if kind not in PARSED_KINDS:
            return _not_a_document(filename, kind)
        if len(data) > limits.max_input_bytes:
            message = f"{len(data)} bytes is over the {limits.max_input_bytes}-byte limit"
            return _problem(filename, "PARSE_LIMIT", message)
        return run_in_sandbox(Request("document", filename, data, limits), decode_document)
    except SandboxFailure as failed:
        return _problem(filename, failed.code, str(failed))
    except Exception as error:  # the sandbox itself failed: still answer
        return _problem(filename, "PARSE_FAILED", f"the document could not be read: {error}")


class SandboxFailure(Exception):
    """The task gave no answer of its own: its reading process hit a limit or crashed, or
    the sandbox itself failed. ``code`` is a problem code (PARSE_LIMIT, PARSE_FAILED)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def run_in_sandbox(request: Request, decode: Callable[[memoryview], T]) -> T:
    """``decode`` of the answer a reading process gives to ``request``; raises
    SandboxFailure when there is none (``decode`` itself raises TransportError for an
    answer of the wrong shape)."""
    return _POOL.run(request, decode)


def start_helpers(count: int = 1) -> None:
    """Start helper processes before the first document arrives (optional: the first
    ``parse_attachment`` otherwise waits about half a second for one)."""
    _POOL.prestart(count)


def stop_helpers() -> None:
    """Stop the idle helper processes (they are also stopped when the program exits)."""
    _POOL.close()


def _not_a_document(filename: str, kind: str) -> ExtractedDocument:
    """Pictures and other non-documents: role "other" at once; a problem only when the file
    was meant as a document (named .docx or .pdf, say) but is not one."""
    if not looks_like_document(filename, kind):
        return ExtractedDocument(filename, "other", format=kind)
    code = "PARSE_FAILED" if kind == "empty" else "UNSUPPORTED_FORMAT"
    return _problem(filename, code, f"the file is not a readable document ({kind})")


def _problem(filename: str, code: str, message: str) -> ExtractedDocument:
    problem = ParseProblem(code, f"{filename}: {message}")
    return ExtractedDocument(filename, "other", problems=(problem,), format="other")


class _Helper:
    """One helper process and its pipes."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PROJECT_ROOT, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parsers.sandbox_helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
            bufsize=0,
        )

    def run(self, request: Request) -> bytes:
        """The answer, tag byte included (``parsers.transport``)."""
        assert self.process.stdin is not None
        write_request(self.process.stdin, request)
        deadline = time.monotonic() + request.limits.longest_seconds + _HELPER_GRACE_SECONDS
        (length,) = struct.unpack("!I", self._read(4, deadline))
        if length > request.largest_answer:
            raise TransportError("the helper's answer is too large")
        return self._read(length, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        try:
            data = read_within(self.process.stdout.fileno(), size, deadline)
        except TimeoutError:
            raise TransportError("the sandbox helper did not answer in time") from None
        if data is None:
            raise TransportError("the sandbox helper has stopped")
        return data

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class _Pool:
    """Idle helpers; a caller takes one (or starts one) and gives it back when done."""

    def __init__(self) -> None:
        self.idle: list[_Helper] = []
        self.lock = threading.Lock()
        atexit.register(self.close)

    def run(self, request: Request, decode: Callable[[memoryview], T]) -> T:
        helper = self._take()
        try:
            answer = helper.run(request)
            failed = read_failure(answer)
            if failed is None:
                result = decode(memoryview(answer)[1:])  # a view: a large answer is not copied
        except (TransportError, OSError, struct.error) as error:
            helper.close()
            raise SandboxFailure("PARSE_FAILED", f"the sandbox failed: {error}") from error
        self._give_back(helper)
        if failed is not None:
            raise SandboxFailure(*failed)
        return result

    def _take(self) -> _Helper:
        with self.lock:
            while self.idle:
                helper = self.idle.pop()
                if helper.alive():
                    return helper
        return _Helper()

    def _give_back(self, helper: _Helper) -> None:
        with self.lock:
            if helper.alive() and len(self.idle) < _MAX_IDLE_HELPERS:
                self.idle.append(helper)
                return
        helper.close()

    def prestart(self, count: int) -> None:
        with self.lock:
            missing = max(0, min(count, _MAX_IDLE_HELPERS) - len(self.idle))
        for _ in range(missing):
            self._give_back(_Helper())

    def close(self) -> None:
        with self.lock:
            helpers, self.idle = self.idle, []
        for helper in helpers:
            helper.close()


_POOL = _Pool()
