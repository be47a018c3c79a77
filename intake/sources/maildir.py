"""A local Maildir as the programme mailbox, and the file expansion of ``mpp ingest``.

Messages are read from the inbox's ``new/`` and ``cur/``; once their outcome is committed
they are renamed into the ``.Processed`` (or ``.Attention``) sub-folder, Maildir++ style.
A rename is atomic, so a message is either in the inbox or in one of those folders.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from intake.model import IncomingMessage, Ledger, Move, Outcome

FOLDERS: dict[Outcome, str] = {"processed": "Processed", "attention": "Attention"}


class MaildirSource:
    """Implements ``intake.model.MailboxSource`` over a Maildir folder."""

    def __init__(self, path: str | os.PathLike[str], *, max_bytes: int = 100 * 1024 * 1024) -> None:
        self.root = Path(path).resolve()
        self.max_bytes = max_bytes
        self.root.parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(self.root, create=True)  # makes new/, cur/, tmp/

    def _files(self) -> list[Path]:
        found: list[Path] = []
        for sub in ("new", "cur"):
            found.extend(entry for entry in (self.root / sub).iterdir() if entry.is_file())
        return sorted(found, key=lambda entry: (entry.stat().st_mtime, entry.name))

    def key_for(self, file: Path) -> str:
        return f"maildir:{self.root}:{file.name.split(':', 1)[0]}"

    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        for file in self._files():
            key = self.key_for(file)
            if ledger.is_taken(key):
                continue
            try:
                if file.stat().st_size > self.max_bytes:
                    raw = file.read_bytes()[: self.max_bytes]
                else:
                    raw = file.read_bytes()
            except FileNotFoundError:  # moved away by someone else meanwhile
                continue
            yield IncomingMessage(source_key=key, raw=raw, received_at=None, folder=str(file))

    def settle(self, moves: Sequence[Move]) -> None:
        for message, outcome in moves:
            unique = message.source_key.rsplit(":", 1)[-1]
            target = self.root / f".{FOLDERS[outcome]}"
            mailbox.Maildir(target, create=True)
            for sub in ("new", "cur"):
                for file in (self.root / sub).glob(f"{unique}*"):
                    if file.name.split(":", 1)[0] == unique:
                        os.replace(file, target / "cur" / file.name)

    def close(self) -> None:
        return None


def iter_eml_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand files, folders of .eml files and Maildirs into message files, in name order."""
    for path in paths:
        if path.is_file():
            yield path
        elif (path / "cur").is_dir() and (path / "new").is_dir():
            for sub in ("new", "cur"):
                yield from sorted(entry for entry in (path / sub).iterdir() if entry.is_file())
        elif path.is_dir():
            yield from sorted(
                entry
                for entry in path.iterdir()
                if entry.is_file() and entry.suffix.lower() in {".eml", ".msg", ".txt", ""}
            )
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
