"""The worker: one ``run_once`` step (poll, process, settle; deliver beside them) on an
APScheduler interval.

Each message is handled inside its own guard (``process_message`` never raises); a failing
poll or delivery is logged and recorded on the heartbeat, and the next run tries again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from common.clock import utcnow
from common.errors import MppError
from common.settings import Settings
from db.models import WorkerHeartbeat
from db.session import session_scope
from intake.model import IncomingMessage, MailboxSource, Move, Outcome
from intake.pipeline import (
    PipelineContext,
    PreparedMessage,
    ProcessResult,
    claim_message,
    make_context,
    read_message,
    record_message,
)
from notifications.delivery import (
    DeliveryReport,
    SendOutcome,
    Transport,
    deliver_due,
    make_transport,
)
from ops.alerts import check_and_notify

log = logging.getLogger("mpp.worker")

MOVE_EVERY = 16  # finished messages moved together: one IMAP command, one ledger commit


def make_source(settings: Settings) -> MailboxSource:
    cfg = settings.mailbox
    if cfg.source == "maildir":
        from intake.sources.maildir import MaildirSource

        return MaildirSource(cfg.path)
    from common.oauth import make_token_provider
    from intake.sources.imap import ImapSource

    return ImapSource(
        host=cfg.host,
        port=cfg.port,
        security=cfg.security,
        username=cfg.username,
        password=cfg.password(),
        folder=cfg.folder,
        processed_folder=cfg.processed_folder,
        attention_folder=cfg.attention_folder,
        timeout=cfg.timeout_seconds,
        token_provider=make_token_provider(settings) if cfg.auth == "oauth2" else None,
    )


@dataclass
class PollReport:
    results: list[ProcessResult] = field(default_factory=list)
    error: str | None = None


class Worker:
    """Polls one mailbox into one database and delivers the outbox."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        worker_id: str,
        source: MailboxSource | None = None,
        transport: Transport | None = None,
        read_ahead: int | None = None,
    ) -> None:
        """``read_ahead``: messages read while one is recorded (default: the CPU count, at
        most 4; 0 takes one message at a time)."""
        self.settings = settings
        self.engine = engine
        self.ctx: PipelineContext = make_context(settings, engine, worker_id=worker_id)
        self.source = source or make_source(settings)
        self.transport = transport or make_transport(settings)
        self.read_ahead = min(4, os.cpu_count() or 1) if read_ahead is None else read_ahead
        self.stopping = threading.Event()
        self._recorded = threading.Event()  # set when the poll records a message
        self._unrecorded: list[SendOutcome] = []  # sent, but the database was away
        self._left_unmoved = False  # a move failed: finished messages wait in the mailbox
        self._to_move: list[tuple[Move, int]] = []  # committed, not yet moved: (move, row id)
        self._resettle_due = 0.0  # time.monotonic() of the next look for unmoved messages
        self._running = threading.Lock()
        self._scheduler: BlockingScheduler | None = None

    def poll_once(self) -> PollReport:
        """Take every new message; in dry run (``[worker] dry_run``) record them but move
        none, so the mailbox stays as staff know it until mpp is switched on."""
        report = PollReport()
        started = time.monotonic()
        try:
            if not self.settings.worker.dry_run:
                report.error = self._resettle()
            self._take_new(report)
        except MppError as exc:
            report.error = str(exc)
            log.warning("poll failed: %s", exc)
        except Exception as exc:
            report.error = repr(exc)
            log.exception("poll failed")
        self._heartbeat("poll", report.error, time.monotonic() - started)
        return report

    def _take_new(self, report: PollReport) -> None:
        """Each new message is claimed here, then read in a thread (its documents in the
        sandbox helpers) while the ones before it are recorded and moved, so parsing overlaps
        the database and mailbox work. Every database write stays on this thread, and
        outcomes are committed in mailbox order, one transaction each. The first message of
        a poll is finished before the next is taken, so a poll that fails at once (a
        database or a folder that refuses writes) holds no other claims."""
        pending: deque[tuple[IncomingMessage, Future[PreparedMessage]]] = deque()
        batch = self.settings.mailbox.batch_size
        with ThreadPoolExecutor(max(1, self.read_ahead), thread_name_prefix="read") as pool:
            try:
                for incoming in self.source.fetch_new(self.ctx.ledger, batch_size=batch):
                    if self.stopping.is_set():
                        break
                    row_id = claim_message(incoming, self.ctx)
                    pending.append(
                        (incoming, pool.submit(read_message, incoming, row_id, self.ctx))
                    )
                    if len(pending) > (self.read_ahead if report.results else 0):
                        self._finish(*pending.popleft(), report)
            finally:  # the messages claimed are finished even when the poll fails
                while pending:
                    self._finish(*pending.popleft(), report)
                self._move_finished()

    def _finish(
        self, incoming: IncomingMessage, prepared: Future[PreparedMessage], report: PollReport
    ) -> None:
        result = record_message(prepared.result(), self.ctx)
        report.results.append(result)
        self._recorded.set()  # a reply may be due: wake the delivery thread
        self._settle(incoming, result, report)

    def _settle(self, incoming: IncomingMessage, result: ProcessResult, report: PollReport) -> None:
        """Queue a committed message for the next batch move. The first message of a poll is
        moved at once, so a folder that refuses moves is known before more are taken."""
        if result.outcome == "skipped" or result.message_row_id is None:
            return
        if self.settings.worker.dry_run:
            return  # moved by the first poll after dry run is switched off
        light = replace(incoming, raw=b"")  # a batch must not hold the messages' bytes
        self._to_move.append(((light, result.settle_as), result.message_row_id))
        if len(self._to_move) >= MOVE_EVERY or len(report.results) == 1:
            self._move_finished()

    def _move_finished(self) -> str | None:
        """Move the messages queued, then record the moves in one commit; the error, if the
        move failed. Until the commit a moved message still counts as unmoved: after a crash
        it is moved again, which finds nothing to move."""
        batch, self._to_move = self._to_move, []
        if not batch:
            return None
        try:
            self.source.settle([move for move, _ in batch])
        except MppError as exc:
            log.warning("could not move %d finished messages yet: %s", len(batch), exc)
            self._left_unmoved = True
            return f"could not move finished messages: {exc}"
        self.ctx.ledger.mark_settled(*(row_id for _, row_id in batch))
        return None

    def _resettle(self) -> str | None:
        """Move messages whose outcome was committed but whose move was interrupted.

        A move that fails again is reported and left for the next poll, and new mail is
        still taken: a folder that cannot be made must not hold up every applicant. The
        ledger is asked after a move of this worker failed, and otherwise at most every
        half lease (a dead worker's messages wait a whole lease anyway): the question reads
        the whole message table, which an idle poll should not.
        """
        now = time.monotonic()
        if not self._left_unmoved and now < self._resettle_due:
            return None
        self._left_unmoved = False
        self._resettle_due = now + min(60.0, self.ctx.ledger.lease.total_seconds() / 2)
        for row in self.ctx.ledger.unsettled(
            prefix=self.source_prefix(), worker_id=self.ctx.worker_id
        ):
            incoming = IncomingMessage(
                source_key=row.source_key,
                raw=b"",
                received_at=row.received_at,
                folder=row.folder,
                uidvalidity=row.uidvalidity,
                uid=row.uid,
            )
            assert row.id is not None
            outcome: Outcome = "attention" if row.state == "failed" else "processed"
            self._to_move.append(((incoming, outcome), row.id))
        return self._move_finished()

    def source_prefix(self) -> str:
        return "imap:" if self.settings.mailbox.source == "imap" else "maildir:"

    def deliver_once(self, *, until: threading.Event | None = None) -> DeliveryReport:
        """Send every reply that is due. With ``until``, from a thread beside the poll: send
        what the poll queues each time it records a message, until ``until`` is set, then
        once more. One SMTP connection and one heartbeat for the whole, timed by the rounds
        alone."""
        report, busy, error = DeliveryReport(), 0.0, None
        try:
            while until is not None and not until.is_set():
                self._recorded.wait()
                self._recorded.clear()
                if not until.is_set():
                    busy += self._deliver_round(report)
            busy += self._deliver_round(report)
        except Exception as exc:
            log.exception("delivery failed")
            error = repr(exc)
        finally:
            self.transport.close()
        self._heartbeat("deliver", error, busy)
        return report

    def _deliver_round(self, report: DeliveryReport) -> float:
        started = time.monotonic()
        report.add(
            deliver_due(self.engine, self.transport, self.settings, unrecorded=self._unrecorded)
        )
        return time.monotonic() - started

    def run_once(self) -> tuple[PollReport, DeliveryReport]:
        """One poll with replies delivered beside it, then the alert check (which emails
        staff when polling or sending has failed for too long, once, and again when it
        recovers). Replies go out while the next messages are read and recorded, so sending
        is off the recording thread's path; the delivery thread writes its own rows only."""
        with self._running:
            poll_done = threading.Event()
            self._recorded.clear()
            with ThreadPoolExecutor(1, thread_name_prefix="deliver") as pool:
                delivering = pool.submit(self.deliver_once, until=poll_done)
                try:
                    poll = self.poll_once()
                finally:
                    poll_done.set()
                    self._recorded.set()
                delivery = delivering.result()
            try:
                check_and_notify(self.engine, self.settings, self.transport)
            finally:
                self.transport.close()
            return poll, delivery

    def _heartbeat(self, name: str, error: str | None, seconds: float) -> None:
        """Record the run on the heartbeat row. Workers starting together may both find no
        row and both add one: the one that loses the race updates the row the other made."""
        for attempt in (1, 2):
            try:
                self._write_heartbeat(name, error, seconds)
                return
            except IntegrityError:
                if attempt == 2:
                    log.exception("could not record the %s heartbeat", name)
            except Exception:
                log.exception("could not record the %s heartbeat", name)
                return

    def _write_heartbeat(self, name: str, error: str | None, seconds: float) -> None:
        with session_scope(self.engine) as session:
            beat = session.get(WorkerHeartbeat, name) or WorkerHeartbeat(name=name)
            if error is None:
                beat.last_success_at = utcnow()
            else:
                beat.last_failure_at, beat.last_error = utcnow(), error[:4000]
            beat.last_duration_seconds = seconds
            session.add(beat)

    def run_forever(self, *, install_signals: bool = True) -> None:
        """Poll on the APScheduler interval until stopped (SIGINT/SIGTERM or ``stop()``).

        Where the mailbox offers IMAP IDLE, a watcher on a second connection starts a run as
        soon as mail arrives, so the interval is only the fallback. The message in hand is
        finished before the worker stops.
        """
        scheduler = BlockingScheduler(timezone=UTC)
        scheduler.add_job(
            self.run_once,
            "interval",
            seconds=self.settings.worker.poll_seconds,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="poll",
        )
        self._scheduler = scheduler
        if install_signals:
            signal.signal(signal.SIGINT, self._on_signal)
            signal.signal(signal.SIGTERM, self._on_signal)
        watcher = self._start_idle_watcher(scheduler)
        scheduler.start()
        if watcher is not None:
            watcher.join(timeout=10)
        with self._running:  # wait for the run in progress to finish its message
            self.source.close()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current message, then stopping", signum)
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _start_idle_watcher(self, scheduler: BlockingScheduler) -> threading.Thread | None:
        if self.settings.mailbox.source != "imap" or not self.settings.mailbox.idle:
            return None
        thread = threading.Thread(
            target=self._watch_with_idle, args=(scheduler,), name="imap-idle", daemon=True
        )
        thread.start()
        return thread

    def _watch_with_idle(self, scheduler: BlockingScheduler) -> None:
        """On its own connection: wait in IDLE, and run the poll job at once when mail comes."""
        watcher = make_source(self.settings)
        wait = getattr(watcher, "wait_for_new", None)
        try:
            while wait is not None and not self.stopping.is_set():
                try:
                    arrived = wait(IDLE_SLICE_SECONDS)
                except MppError as exc:
                    log.warning("IMAP IDLE: %s", exc)
                    self.stopping.wait(self.settings.worker.poll_seconds)
                    continue
                if arrived is False and not _offers_idle(watcher):
                    log.info(
                        "the IMAP server has no IDLE: polling every %ss",
                        self.settings.worker.poll_seconds,
                    )
                    return
                if arrived and not self.stopping.is_set():
                    scheduler.modify_job("poll", next_run_time=datetime.now(UTC))
        finally:
            watcher.close()


IDLE_SLICE_SECONDS = 1.0  # short IDLE rounds: a stop request is noticed within about a second


def _offers_idle(source: MailboxSource) -> bool:
    offers = getattr(source, "offers_idle", None)
    return bool(offers()) if callable(offers) else False
