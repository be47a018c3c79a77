"""The sandbox helper: a process that has loaded every reader and forks one child per
document (``python -m parsers.sandbox_helper``; it speaks on stdin/stdout).

The helper itself never touches a document. Each child sets its own memory and CPU limits,
reads the document, writes the result as JSON to a pipe and exits; the helper kills it when
its time is up and answers for it when it crashes.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import sys
import time

from parsers.limits import ParseLimits
from parsers.model import ExtractedDocument, ParseProblem
from parsers.transport import MAX_RESULT_BYTES, encode_document, frame, read_request
from parsers.worker import read_document, warm_up

_CHUNK = 65536
_OUT_OF_MEMORY = 3  # exit status of a child that hit its memory limit
# Signals of a child stopped by a limit: killed at its deadline, over its CPU time, or
# aborted by a C library whose allocation failed under the memory limit.
_LIMIT_SIGNALS = (signal.SIGKILL, signal.SIGXCPU, signal.SIGABRT)


def main() -> None:
    warm_up()
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not reach the pipe
    while (request := read_request(requests)) is not None:
        replies.write(frame(read_in_child(*request)))
        replies.flush()


def read_in_child(filename: str, data: bytes, limits: ParseLimits) -> bytes:
    """The JSON of the document read by a forked child, or of the problem that stopped it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, filename, data, limits)
    os.close(write_end)
    try:
        payload, reason = _collect(read_end, pid, limits.timeout_seconds)
    finally:
        os.close(read_end)
    status = _reap(pid)
    if reason:
        return _problem(filename, "PARSE_LIMIT", reason)
    if os.WIFSIGNALED(status):
        code = "PARSE_LIMIT" if os.WTERMSIG(status) in _LIMIT_SIGNALS else "PARSE_FAILED"
        return _problem(filename, code, f"the reader was stopped by signal {os.WTERMSIG(status)}")
    if os.WEXITSTATUS(status) == _OUT_OF_MEMORY:
        return _problem(filename, "PARSE_LIMIT", "the reader ran out of memory")
    if not payload or os.WEXITSTATUS(status) != 0:
        return _problem(filename, "PARSE_FAILED", "the reader stopped without an answer")
    return payload


def _child(write_end: int, filename: str, data: bytes, limits: ParseLimits) -> None:
    """Runs in the forked child; never returns."""
    code = 1
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        cpu = int(limits.timeout_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
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
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
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
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
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
