"""One finding of ``mpp doctor``: what was checked, how it went, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["OK", "WARN", "FAIL"]


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.level:<4} {self.name}: {' '.join(self.detail.split())}"
        return f"{text} (fix: {' '.join(self.fix.split())})" if self.fix else text


def ok(name: str, detail: str) -> Check:
    return Check(name, "OK", detail)


def warn(name: str, detail: str, fix: str = "") -> Check:
    return Check(name, "WARN", detail, fix)


def fail(name: str, detail: str, fix: str = "") -> Check:
    return Check(name, "FAIL", detail, fix)


def first_line(exc: BaseException) -> str:
    """The first line of an error, without the library's background links."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
