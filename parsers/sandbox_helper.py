"""The sandbox helper: a process that has loaded every reader and forks one child per
document (``python -m parsers.sandbox_helper``; it speaks on stdin/stdout).

The helper itself never touches a document. Each child leads its own process group, sets
its own memory, CPU and time limits, reads the document in a scratch folder of its own,
writes the result as JSON to a pipe and exits; the helper kills it when its time is up,
answers for it when it crashes, and afterwards ends whatever the child started (OCR,
LibreOffice) and removes the scratch folder.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time

from parsers import deadline
from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, ParseProblem
from parsers.transport import MAX_RESULT_BYTES, encode_document, frame, read_request
from parsers.worker import find_tools, read_document, warm_up

_CHUNK = 65536
_OUT_OF_MEMORY = 3  # exit status of a child that hit its memory limit
# Signals of a child stopped by a limit: killed at its deadline, ended by its own clock,
# over its CPU time, or aborted by a C library whose allocation failed under the memory limit.
_LIMIT_SIGNALS = (signal.SIGKILL, signal.SIGALRM, signal.SIGXCPU, signal.SIGABRT)


def main() -> None:
    warm_up()
    gc.freeze()  # what is loaded now is never collected: children do not copy it to scan it
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not reach the pipe
    while (request := read_request(requests)) is not None:
        replies.write(frame(read_in_child(*request)))
        replies.flush()


def read_in_child(filename: str, data: bytes, limits: ParseLimits) -> bytes:
    """The JSON of the document read by a forked child, or of the problem that stopped it."""
    find_tools(limits)
    scratch = tempfile.mkdtemp(prefix="mpp-parse-")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, filename, data, limits, scratch)
    with contextlib.suppress(OSError):  # the child does the same; whichever comes first
        os.setpgid(pid, pid)
    os.close(write_end)
    try:
        payload, reason = _collect(read_end, pid, limits.longest_seconds)
    finally:
        os.close(read_end)
        status = _reap(pid)
        shutil.rmtree(scratch, ignore_errors=True)
    if reason:
        return _problem(filename, "PARSE_LIMIT", reason)
    if os.WIFSIGNALED(status):
        code = "PARSE_LIMIT" if os.WTERMSIG(status) in _LIMIT_SIGNALS else "PARSE_FAILED"
        return _problem(filename, code, _stopped(status))
    if os.WEXITSTATUS(status) == _OUT_OF_MEMORY:
        return _problem(filename, "PARSE_LIMIT", "the reader ran out of memory")
    if not payload or os.WEXITSTATUS(status) != 0:
        return _problem(filename, "PARSE_FAILED", "the reader stopped without an answer")
    return payload


def _stopped(status: int) -> str:
    if os.WTERMSIG(status) == signal.SIGALRM:
        return "reading took longer than its time limit and was stopped"
    return f"the reader was stopped by signal {os.WTERMSIG(status)}"


def _child(write_end: int, filename: str, data: bytes, limits: ParseLimits, scratch: str) -> None:
    """Runs in the forked child; never returns."""
    code = 1
    try:
        os.setpgid(0, 0)
        tempfile.tempdir = scratch
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        cpu = int(limits.longest_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        deadline.start(limits.timeout_seconds)
        payload = encode_document(read_document(filename, data, limits))
        if len(payload) > MAX_RESULT_BYTES:
            payload = _problem(filename, "PARSE_LIMIT", "the document's text is too large")
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        code = 0
    except MemoryError:
        code = _OUT_OF_MEMORY
    except BaseException:  # the child must end here whatever happened
        code = 1
    finally:
        os._exit(code)


def _collect(read_end: int, pid: int, timeout: float) -> tuple[bytes, str]:
    """What the child wrote, and why it was stopped ("" when it finished)."""
    ends_at = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    while True:
        left = ends_at - time.monotonic()
        ready = select.select([read_end], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            _kill(pid)
            return b"", f"reading took longer than {timeout:g} s and was stopped"
        chunk = os.read(read_end, _CHUNK)
        if not chunk:
            return b"".join(chunks), ""
        size += len(chunk)
        if size > MAX_RESULT_BYTES:
            _kill(pid)
            return b"", "the document's text is too large"
        chunks.append(chunk)


def _kill(pid: int) -> None:
    """Kill the child and every process it started (its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    """Wait for the child to end, end what it left running, then collect its status.

    The child is waited for without being collected first, so that its process group
    (named by its id) cannot belong to anyone else when it is killed."""
    while True:
        try:
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0
    _kill(pid)
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0


def _problem(filename: str, code: str, message: str) -> bytes:
    problem = ParseProblem(code, f"{filename}: {message}")
    return encode_document(
        ExtractedDocument(filename, "other", problems=(problem,), format="other")
    )


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller's Ctrl-C is the caller's to handle
    main()
