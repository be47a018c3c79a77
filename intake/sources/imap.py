"""The programme mailbox over IMAP (imapclient).

The queue is UIDs, never the \\Seen flag: staff read the mailbox too. Each poll asks for the
folder's STATUS and compares UIDNEXT with the highest UID already taken (an idle poll costs
one round trip, whatever the size of the folder); only then does it select the folder,
search ``UID n:*`` and filter the answer (the server returns the newest message even when it
is below n), and fetch new messages in batches with BODY.PEEK[] and INTERNALDATE. After the
outcomes are committed the messages are moved in batches (UID MOVE, else COPY + \\Deleted +
UID EXPUNGE). A broken connection raises ``MailboxError``; the next call reconnects. With a
token provider it signs in with OAuth 2.0 (XOAUTH2), asking the provider for a token at each
connection, so a reconnection after the token expired uses a fresh one.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Literal

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from common.clock import as_utc
from common.errors import MailboxError
from common.oauth import TokenProvider
from intake.model import IncomingMessage, Ledger, Move, Outcome

log = logging.getLogger("mpp.imap")

# UIDs in one MOVE: servers cap a command line (Dovecot at 64 KB), and a ledger's backlog of
# unmoved messages (after a dry run, say) can hold thousands.
UIDS_PER_COMMAND = 500

_ERRORS = (IMAPClientError, imaplib.IMAP4.error, OSError, socket.timeout, ssl.SSLError, EOFError)


class ImapSource:
    """Implements ``intake.model.MailboxSource`` over one IMAP folder."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: Literal["ssl", "starttls", "none"],
        username: str,
        password: str,
        folder: str = "INBOX",
        processed_folder: str = "Processed",
        attention_folder: str = "Needs attention",
        timeout: float = 60.0,
        token_provider: TokenProvider | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self.token_provider = token_provider
        self.folder = folder
        self.targets: dict[Outcome, str] = {
            "processed": processed_folder,
            "attention": attention_folder,
        }
        self._client: IMAPClient | None = None
        self._uidvalidity: int | None = None
        self._exists: int | None = None  # message count at the last IDLE round
        self._selected_on: IMAPClient | None = None  # the connection the folder is open on
        # (UIDVALIDITY, UIDNEXT) when the ledger last had every message below UIDNEXT finished
        self._all_taken: tuple[int, int] | None = None

    # --- connection -------------------------------------------------------------------
    def _connect(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        context = ssl.create_default_context()
        client = IMAPClient(
            self.host,
            port=self.port,
            ssl=self.security == "ssl",
            ssl_context=context,
            timeout=self.timeout,
        )
        client.normalise_times = False  # keep INTERNALDATE's zone
        if self.security == "starttls":
            client.starttls(context)
        if self.token_provider is None:
            client.login(self.username, self.password)
        else:
            token = self._token(client)
            client.oauth2_login(self.username, token)
        self._client = client
        return client

    def _token(self, client: IMAPClient) -> str:
        assert self.token_provider is not None
        try:
            return self.token_provider.access_token()
        except MailboxError:
            with contextlib.suppress(*_ERRORS):
                client.shutdown()
            raise

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(*_ERRORS):
                client.shutdown()

    def _call(self, what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except _ERRORS as exc:
            self._drop()
            raise MailboxError(f"IMAP {what} failed on {self.host}:{self.port}: {exc}") from exc

    def _live(self) -> IMAPClient:
        """The open connection; a connection dropped mid-poll ends the poll."""
        if self._client is None:
            raise MailboxError(f"IMAP connection to {self.host}:{self.port} was lost")
        return self._client

    def _status_for_poll(self) -> tuple[int, int | None]:
        """STATUS at the start of a poll: a connection that died since the last poll (a server
        restart) is opened again once, so the restart costs no poll."""
        reused = self._client is not None
        try:
            return self._status()
        except MailboxError as exc:
            if not reused:
                raise
            log.info("reconnecting to %s:%s: %s", self.host, self.port, exc)
            return self._status()

    def _status(self) -> tuple[int, int | None]:
        """The folder's UIDVALIDITY and UIDNEXT as they are now, by STATUS: one round trip
        whatever the size of the folder, where a SELECT of a large folder is slow. The folder
        is unselected first, as a session's own selection keeps showing the folder as it was
        when selected (even when it was deleted and made again since); a server without
        UNSELECT is answered by a SELECT."""
        client = self._call("sign-in", self._connect)
        open_here = self._selected_on is client
        if open_here:
            if not client.has_capability("UNSELECT"):
                uidnext = self._select().get(b"UIDNEXT")
                assert self._uidvalidity is not None
                return self._uidvalidity, None if uidnext is None else int(uidnext)
            self._call("UNSELECT", client.unselect_folder)
            self._selected_on = None
        status = self._call(
            "STATUS", client.folder_status, self.folder, [b"UIDVALIDITY", b"UIDNEXT"]
        )
        uidnext = status.get(b"UIDNEXT")
        return int(status[b"UIDVALIDITY"]), None if uidnext is None else int(uidnext)

    def _select(self) -> dict[bytes, Any]:
        client = self._call("sign-in", self._connect)
        status = self._call("SELECT", client.select_folder, self.folder)
        self._uidvalidity = int(status[b"UIDVALIDITY"])
        self._selected_on = client
        return status

    # --- MailboxSource ---------------------------------------------------------------
    def fetch_new(self, ledger: Ledger, *, batch_size: int = 50) -> Iterator[IncomingMessage]:
        """An idle poll is one STATUS round trip, and no query at all while UIDNEXT has not
        moved since the ledger last said every message below it was finished."""
        validity, uidnext = self._status_for_poll()
        if (validity, uidnext) == self._all_taken:
            return  # nothing has arrived since
        after = ledger.highest_uid(self.folder, validity)
        if uidnext is not None and uidnext <= after + 1:
            self._all_taken = (validity, uidnext)
            return  # nothing new: the idle poll ends here
        self._select()
        if self._uidvalidity is not None and self._uidvalidity != validity:
            validity = self._uidvalidity  # made again since the STATUS
            after = ledger.highest_uid(self.folder, validity)
        client = self._live()
        found = self._call("SEARCH", client.search, ["UID", f"{after + 1}:*"])
        uids = sorted(uid for uid in found if uid > after)
        for start in range(0, len(uids), batch_size):
            if self._uidvalidity != validity:
                return  # the folder was made again meanwhile: the next poll starts afresh
            yield from self._fetch_batch(uids[start : start + batch_size], ledger, validity)

    def _fetch_batch(
        self, uids: list[int], ledger: Ledger, validity: int
    ) -> Iterator[IncomingMessage]:
        """The messages as read now, keyed by the UIDVALIDITY their UIDs were searched under."""
        client = self._live()
        data = self._call("FETCH", client.fetch, uids, [b"BODY.PEEK[]", b"INTERNALDATE"])
        for uid in uids:
            item = data.get(uid) or {}
            body = item.get(b"BODY[]")
            if body is None:  # deleted by someone else meanwhile (missing, or NIL from Dovecot)
                continue
            key = f"imap:{self.folder}:{validity}:{uid}"
            if ledger.is_taken(key):
                continue
            yield IncomingMessage(
                source_key=key,
                raw=bytes(body),
                received_at=_internal_date(item.get(b"INTERNALDATE")),
                folder=self.folder,
                uidvalidity=validity,
                uid=uid,
            )

    def settle(self, moves: Sequence[Move]) -> None:
        """Move by UID, one command per target folder for the whole batch, and only the
        messages whose UIDVALIDITY the folder still has. The folder is selected afresh
        first: a session that selected it earlier may not notice that it was deleted and
        made again, and would move whatever message now has that UID."""
        moves = [(message, outcome) for message, outcome in moves if message.uid is not None]
        if not moves:
            return
        self._select()
        by_target: dict[str, list[int]] = {}
        for message, outcome in moves:
            if message.uidvalidity != self._uidvalidity:
                log.warning("%s: UIDVALIDITY changed, not moved", message.source_key)
                continue
            assert message.uid is not None
            by_target.setdefault(self.targets[outcome], []).append(message.uid)
        client = self._live()
        for target, uids in by_target.items():
            if not self._call("LIST", client.folder_exists, target):
                self._call("CREATE", client.create_folder, target)
            for start in range(0, len(uids), UIDS_PER_COMMAND):
                self._move(client, uids[start : start + UIDS_PER_COMMAND], target)

    def _move(self, client: IMAPClient, uids: list[int], target: str) -> None:
        if client.has_capability("MOVE"):
            self._call("MOVE", client.move, uids, target)
            return
        self._call("COPY", client.copy, uids, target)
        self._call("STORE", client.delete_messages, uids)
        if client.has_capability("UIDPLUS"):
            self._call("UID EXPUNGE", client.uid_expunge, uids)
        else:
            self._call("EXPUNGE", client.expunge)

    def offers_idle(self) -> bool:
        client = self._call("sign-in", self._connect)
        return bool(client.has_capability("IDLE"))

    def wait_for_new(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for new mail with IMAP IDLE; False without IDLE."""
        client = self._call("sign-in", self._connect)
        if not client.has_capability("IDLE"):
            return False
        examined = self._call("EXAMINE", client.select_folder, self.folder, readonly=True)
        self._selected_on = client
        exists = int(examined.get(b"EXISTS", 0))
        seen, self._exists = self._exists, exists
        if seen is not None and exists > seen:  # arrived between two IDLE rounds
            return True
        self._call("IDLE", client.idle)
        try:
            responses = self._call("IDLE", client.idle_check, timeout=timeout)
        finally:
            if self._client is not None:
                self._call("IDLE", client.idle_done)
        arrived = [response for response in responses if b"EXISTS" in response]
        if arrived:
            self._exists = int(arrived[-1][0])
        return bool(arrived)

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(*_ERRORS):
                self._client.logout()
            self._client = None


def _internal_date(value: Any) -> datetime | None:
    return as_utc(value) if isinstance(value, datetime) else None
