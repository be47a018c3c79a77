"""The worker: one ``run_once`` step (poll, process, settle, deliver) on an APScheduler interval.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine

from common.clock import utcnow
from common.errors import MppError
from common.settings import Settings
from db.models import WorkerHeartbeat
from db.session import session_scope
from intake.model import IncomingMessage, MailboxSource
from intake.pipeline import (
    PipelineContext,
    PreparedMessage,
    ProcessResult,
    claim_message,
    make_context,
    read_message,
    record_message,
)
from notifications.delivery import DeliveryReport, Transport, deliver_due, make_transport
from ops.alerts import check_and_notify

log = logging.getLogger("mpp.worker")

MARK_MOVED_EVERY = 16  # moves recorded in the ledger together, in one commit


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
        self._left_unmoved = False  # a move failed: finished messages wait in the mailbox
        self._moved: list[int] = []  # moved messages not yet marked so in the ledger
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
                self._mark_moved()

    def _finish(
        self, incoming: IncomingMessage, prepared: Future[PreparedMessage], report: PollReport
    ) -> None:
        result = record_message(prepared.result(), self.ctx)
        report.results.append(result)
        self._settle(incoming, result, report)

    def _settle(self, incoming: IncomingMessage, result: ProcessResult, report: PollReport) -> None:
        if result.outcome == "skipped" or result.message_row_id is None:
            return
        if self.settings.worker.dry_run:
            return  # moved by the first poll after dry run is switched off
        try:
            self.source.settle(incoming, result.settle_as)
        except MppError as exc:
            log.warning("could not move %s yet: %s", incoming.source_key, exc)
            self._left_unmoved = True
            return
        self._moved.append(result.message_row_id)
        if len(self._moved) >= MARK_MOVED_EVERY or len(report.results) == 1:
            self._mark_moved()

    def _mark_moved(self) -> None:
        """Record the moves made since the last time, in one commit. Until then a moved
        message still counts as unmoved: after a crash it is moved again, which finds
        nothing to move."""
        moved, self._moved = self._moved, []
        self.ctx.ledger.mark_settled(*moved)

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
        prefix = self.source_prefix()
        for row in self.ctx.ledger.unsettled(prefix=prefix, worker_id=self.ctx.worker_id):
            incoming = IncomingMessage(
                source_key=row.source_key,
                raw=b"",
                received_at=row.received_at,
                folder=row.folder,
                uidvalidity=row.uidvalidity,
                uid=row.uid,
            )
            try:
                self.source.settle(incoming, "attention" if row.state == "failed" else "processed")
            except MppError as exc:
                log.warning("could not move %s yet: %s", row.source_key, exc)
                self._left_unmoved = True
                return f"could not move finished messages: {exc}"
            assert row.id is not None
            self.ctx.ledger.mark_settled(row.id)
        return None

    def source_prefix(self) -> str:
        return "imap:" if self.settings.mailbox.source == "imap" else "maildir:"

    def deliver_once(self) -> DeliveryReport:
        started = time.monotonic()
        try:
            report = deliver_due(self.engine, self.transport, self.settings)
        except Exception as exc:
            log.exception("delivery failed")
            self._heartbeat("deliver", repr(exc), time.monotonic() - started)
            return DeliveryReport()
        self._heartbeat("deliver", None, time.monotonic() - started)
        return report

    def run_once(self) -> tuple[PollReport, DeliveryReport]:
        """One poll, one delivery round, then the alert check (which emails staff when
        polling or sending has failed for too long, once, and again when it recovers)."""
        with self._running:
            poll, delivery = self.poll_once(), self.deliver_once()
            check_and_notify(self.engine, self.settings, self.transport)
            return poll, delivery

    def _heartbeat(self, name: str, error: str | None, seconds: float) -> None:
        try:
            with session_scope(self.engine) as session:
                beat = session.get(WorkerHeartbeat, name) or WorkerHeartbeat(name=name)
                if error is None:
                    beat.last_success_at = utcnow()
                else:
                    beat.last_failure_at, beat.last_error = utcnow(), error[:4000]
                beat.last_duration_seconds = seconds
                session.add(beat)
        except Exception:
            log.exception("could not record the %s heartbeat", name)

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
