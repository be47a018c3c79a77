"""What the fault tests ask Dovecot directly, on a connection of their own."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterable

from tests.fixtures.dovecot import Dovecot


def append_many(server: Dovecot, folder: str, raws: Iterable[bytes]) -> None:
    """Deliver messages into ``folder`` over one connection (creating the folder if needed)."""
    with server.client() as client:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for raw in raws:
            client.append(folder, raw)


def message_ids(server: Dovecot, folder: str) -> list[str]:
    """The Message-ID of every message in ``folder``, one entry per message (duplicates kept)."""
    with server.client() as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        if not uids:
            return []
        wanted = b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"
        found = client.fetch(uids, [wanted])
    ids = []
    for item in found.values():
        header = next(value for key, value in item.items() if key.startswith(b"BODY["))
        parsed = email.message_from_bytes(header, policy=email.policy.default)
        ids.append(str(parsed["Message-ID"] or "").strip())
    return ids


def delete_uids(server: Dovecot, folder: str, uids: list[int]) -> None:
    """Someone else deletes these messages (flag and expunge)."""
    with server.client() as client:
        client.select_folder(folder)
        client.delete_messages(uids)
        client.expunge()
