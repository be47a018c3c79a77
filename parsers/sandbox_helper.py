"""The sandbox helper: a process that has loaded every reader and forks the reading
processes (``python -m parsers.sandbox_helper``; it speaks on stdin/stdout).

The helper itself never touches a document or a message. A reading process leads its own
process group, holds the memory limit, and does one request after another (a document to
read, or a raw email to read MIME of: ``parsers.worker.TASKS``), each under its own time and
CPU limits in a scratch folder of its own, answering each on a pipe. The helper kills it
when a request's time is up and answers for it when it crashes. A reading process is given
no further request once it has done ``documents_per_process``, hit a limit, started an
outside program (OCR, LibreOffice) or grown past half its memory limit: it exits, the helper
ends whatever it started and removes its scratch folder, and the next request gets a fresh
process. Forking once per request costs more than most requests take.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import shutil
import signal
import struct
import sys
import tempfile
import time
from typing import BinaryIO

from parsers import deadline, programs
from parsers.limits import ParseLimits
from parsers.transport import (
    RESULT,
    Request,
    failure,
    read_request,
    read_within,
    write_framed,
    write_request,
)
from parsers.worker import TASKS, find_tools, near_memory_limit, warm_up

_TAKEN = b"T"  # a reading process has the whole request and starts on it
_ANSWER = struct.Struct("!IB")  # length of the answer, and whether the process reads on
_OUT_OF_MEMORY = 3  # exit status of a reading process that hit its memory limit
_TOO_LARGE = "what was read is too large to pass on"
_RETIRE_AT_MEMORY_SHARE = 0.5  # of the memory limit, reached by a process's peak
# Signals of a process stopped by a limit: killed at its deadline, ended by its own clock,
# over its CPU time, or aborted by a C library whose allocation failed under the memory limit.
_LIMIT_SIGNALS = (signal.SIGKILL, signal.SIGALRM, signal.SIGXCPU, signal.SIGABRT)


class _Stopped(Exception):
    """The helper stopped the reading process; the message says why."""


def main() -> None:
    warm_up()
    gc.freeze()  # what is loaded now is never collected: children do not copy it to scan it
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not reach the pipe
    reader: ReadingProcess | None = None
    while (request := read_request(requests)) is not None:
        if reader is None or reader.limits != request.limits:
            if reader is not None:
                reader.end()
            reader = ReadingProcess(request.limits)
        payload, reader = read_with(reader, request)
        write_framed(replies, payload)
    if reader is not None:
        reader.end()


def read_with(reader: ReadingProcess, request: Request) -> tuple[bytes, ReadingProcess | None]:
    """The answer to the request, and the reading process to give the next one (None when
    this one has ended)."""
    try:
        if not reader.take(request):  # it had ended while it waited: a fresh one reads
            reader.end()
            reader = ReadingProcess(reader.limits)
            if not reader.take(request):
                return failure(*_why_ended(reader.end())), None
        payload, reads_on = reader.answer()
    except _Stopped as stop:
        reader.end(now=True)
        return failure("PARSE_LIMIT", str(stop)), None
    if payload is None:  # it ended without answering
        return failure(*_why_ended(reader.end())), None
    if not reads_on:
        reader.end()
        return payload, None
    return payload, reader


class ReadingProcess:
    """A forked child that reads under ``limits`` until it is told to stop."""

    def __init__(self, limits: ParseLimits) -> None:
        find_tools(limits)  # once here, so the child knows them without asking
        self.limits = limits
        self.scratch = tempfile.mkdtemp(prefix="mpp-parse-")
        request_read, request_write = os.pipe()
        self.answers, answer_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(request_write)
            os.close(self.answers)
            _serve(request_read, answer_write, limits, self.scratch)
        with contextlib.suppress(OSError):  # the child does the same; whichever comes first
            os.setpgid(self.pid, self.pid)
        os.close(request_read)
        os.close(answer_write)
        self.requests: BinaryIO = os.fdopen(request_write, "wb")
        self.ends_at = 0.0
        self.largest_answer = 0

    def take(self, request: Request) -> bool:
        """Hand over a request; False when the process was no longer there to take it
        (killed from outside while it waited, say)."""
        self.ends_at = time.monotonic() + self.limits.longest_seconds
        self.largest_answer = request.largest_answer
        try:
            write_request(self.requests, request)
        except OSError:
            return False
        return self._receive(len(_TAKEN)) == _TAKEN

    def answer(self) -> tuple[bytes | None, bool]:
        """The answer and whether the process reads on; (None, False) when it ended
        without answering. Raises _Stopped when it was stopped at a limit."""
        head = self._receive(_ANSWER.size)
        if head is None:
            return None, False
        length, reads_on = _ANSWER.unpack(head)
        if length > self.largest_answer:
            raise _Stopped(_TOO_LARGE)
        payload = self._receive(length)
        return payload, bool(reads_on) and payload is not None

    def _receive(self, size: int) -> bytes | None:
        try:
            return read_within(self.answers, size, self.ends_at)
        except TimeoutError:
            seconds = self.limits.longest_seconds
            raise _Stopped(f"reading took longer than {seconds:g} s and was stopped") from None

    def end(self, *, now: bool = False) -> int:
        """End the process and everything it started; its wait status. A process waiting for
        a document exits when its requests pipe closes; ``now`` kills it at once."""
        with contextlib.suppress(OSError):
            self.requests.close()
        if now or not _exits_soon(self.pid):
            _kill(self.pid)
        status = _reap(self.pid)
        os.close(self.answers)
        shutil.rmtree(self.scratch, ignore_errors=True)
        return status


def _serve(requests_fd: int, answers_fd: int, limits: ParseLimits, scratch: str) -> None:
    """Runs in the forked child: read what comes until told to stop; never returns."""
    code = 1
    try:
        os.setpgid(0, 0)
        _keep_only(requests_fd, answers_fd)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        requests = os.fdopen(requests_fd, "rb")
        answers = os.fdopen(answers_fd, "wb")
        for left in range(limits.documents_per_process, 0, -1):
            request = read_request(requests)
            if request is None:
                break
            answers.write(_TAKEN)
            answers.flush()
            programs_before = programs.started()
            chunks = _read_one(request, scratch)
            reads_on = (
                left > 1
                and programs.started() == programs_before
                and not near_memory_limit(_RETIRE_AT_MEMORY_SHARE)
            )
            answers.write(_ANSWER.pack(sum(map(len, chunks)), reads_on))
            answers.writelines(chunks)  # not joined: a large answer is not copied again
            answers.flush()
            if not reads_on:
                break
        code = 0
    except MemoryError:
        code = _OUT_OF_MEMORY
    except BaseException:  # the child must end here whatever happened
        code = 1
    finally:
        os._exit(code)


def _keep_only(*kept: int) -> None:
    """Close what the helper had open (its own pipes to the worker above all): a reading
    process that outlives the helper must not keep the worker from noticing that the
    helper has gone. Standard input becomes /dev/null; standard error stays."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    low = 3
    for fd in sorted(kept):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def _read_one(request: Request, scratch: str) -> list[bytes]:
    """Do one task under its own clock and CPU allowance, in a folder of its own; the
    answer, in pieces."""
    limits = request.limits
    tempfile.tempdir = tempfile.mkdtemp(dir=scratch)
    used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    cpu = int(used + limits.longest_seconds) + 1  # the CPU limit counts the whole process
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    deadline.start(limits.timeout_seconds)
    try:
        answer = TASKS[request.task](request)
    finally:
        deadline.stop()
        shutil.rmtree(tempfile.tempdir, ignore_errors=True)
    if sum(map(len, answer)) > request.max_answer:
        return [failure("PARSE_LIMIT", _TOO_LARGE)]
    return [RESULT, *answer]


def _why_ended(status: int) -> tuple[str, str]:
    """The problem code and message for a process that ended while reading."""
    if os.WIFSIGNALED(status):
        code = "PARSE_LIMIT" if os.WTERMSIG(status) in _LIMIT_SIGNALS else "PARSE_FAILED"
        return code, _stopped(status)
    if os.WEXITSTATUS(status) == _OUT_OF_MEMORY:
        return "PARSE_LIMIT", "the reader ran out of memory"
    return "PARSE_FAILED", "the reader stopped without an answer"


def _stopped(status: int) -> str:
    if os.WTERMSIG(status) == signal.SIGALRM:
        return "reading took longer than its time limit and was stopped"
    return f"the reader was stopped by signal {os.WTERMSIG(status)}"


def _exits_soon(pid: int, seconds: float = 2.0) -> bool:
    """Whether the process ends within ``seconds`` (it is not collected)."""
    ends_at = time.monotonic() + seconds
    while time.monotonic() < ends_at:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
                return True
        except ChildProcessError:
            return True
        time.sleep(0.001)
    return False


def _kill(pid: int) -> None:
    """Kill the process and every process it started (its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    """Wait for the process to end, end what it left running, then collect its status.

    The process is waited for without being collected first, so that its process group
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


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller's Ctrl-C is the caller's to handle
    main()
