"""A ledger in a dict: what the sources ask the database, without a database."""

from __future__ import annotations

from dataclasses import dataclass, field

from intake.model import IncomingMessage


@dataclass
class MemoryLedger:
    """Implements ``intake.model.Ledger``; ``take`` records a message as the pipeline would."""

    taken: dict[str, IncomingMessage] = field(default_factory=dict)

    def highest_uid(self, folder: str, uidvalidity: int) -> int:
        uids = [
            message.uid
            for message in self.taken.values()
            if message.folder == folder and message.uidvalidity == uidvalidity and message.uid
        ]
        return max(uids, default=0)

    def is_taken(self, source_key: str) -> bool:
        return source_key in self.taken

    def take(self, message: IncomingMessage) -> None:
        self.taken[message.source_key] = message
