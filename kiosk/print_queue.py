"""The persistent print queue: receipts are rows, a worker thread prints them in order.

The domain calls ``enqueue`` inside the transaction that creates the order or redemption,
so the receipt is on disk exactly when the thing it proves is. ``PrintQueue`` runs one
plain thread (no Qt) that takes the oldest pending job, renders it once, and sends it in
one write. While the printer is off, unplugged or out of paper it keeps the job pending
and retries with capped exponential backoff and jitter; ``kick()`` retries at once.

Never twice, never lost — the choices:

- The job is marked ``printing`` (committed) before the write and ``done`` after.
- Just before the job's last bytes (the cut) go to the kernel or device, the transport
  calls back and the queue commits ``handed_over_at``. Before that moment the printer
  cannot have the whole job; after it, it may.
- A write that fails with a ``PrinterError`` puts the job back to ``pending`` (and clears
  ``handed_over_at``): the transport reset the connection or dropped the device's output
  queue, so the printer did not get the whole job, and the next attempt resends all of
  it, after padding and ``ESC @`` that bring a half-fed printer back to a known state.
- A job found ``printing`` when the queue starts was being written when the process died.
  It is never resent automatically. With ``handed_over_at`` set it becomes
  ``printed_unconfirmed`` (staff see "probably printed — check the printer"; the kernel
  goes on delivering what it holds after the process dies); without it ``interrupted``
  (the cut never left us: staff reprint it).
- A job the printer took whole and then reported paper out, cover open or offline for
  (asked right after the job), or that CUPS stopped and would not cancel, becomes
  ``printed_unconfirmed`` with that reason: part of it is out, the rest may follow when
  staff fix the printer, so a resend could print it twice.
- A document that cannot be rendered (corrupt row) is ``failed`` at once; retrying
  cannot help.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from kiosk.clock import utcnow
from kiosk.config import Config
from kiosk.errors import NotFoundError
from kiosk.store import raw
from kiosk.store.commit_hooks import WakeOnCommit, wrote
from kiosk.store.db import Store
from kiosk.store.models import AuditEntry, PrintJob, new_id
from printer.errors import CoverOpen, PaperOut, PrinterError, Unconfirmed
from printer.status import PrinterStatus

if TYPE_CHECKING:
    # Imported where used: the kiosk makes its PrintQueue on the way to the first tap,
    # and the printer stack (connections, IPP, http.client, rendering: ~35-60 ms) is
    # then loaded by the queue's worker, not the start.
    from printer.document import Receipt
    from printer.output import Output
    from printer.profiles import Profile

log = logging.getLogger(__name__)


def profile_for(config: Config) -> Profile:
    """The printer profile (paper width, Chinese mode, code page, QR) the config names."""
    from printer.profiles import make_profile

    return make_profile(
        config.printer_paper_mm,
        config.printer_chinese,
        config.printer_codepage,
        config.printer_native_qr,
    )


def output_for(config: Config, timeout: float = 5.0) -> Output:
    """The printer the config names (empty: PNG previews in the data dir, demo mode)."""
    from pathlib import Path

    from kiosk.paths import font_path
    from printer.connections import open_connection
    from printer.fonts import Fonts
    from printer.output import Output

    uri = config.printer_connection or f"preview://{Path(config.data_dir) / 'receipts'}"
    fonts = Fonts(font_path(bold=False), font_path(bold=True))
    return Output(open_connection(uri, timeout), profile_for(config), fonts)


def enqueue(session: Session, kind: str, ref_id: str, receipt: Receipt) -> PrintJob:
    """Add a print job in the caller's transaction (it commits or rolls back with it)."""
    job = PrintJob(kind=kind, ref_id=ref_id, document=receipt.to_dict())
    session.add(job)
    session.flush()
    return job


_INSERT_JOB = (
    "INSERT INTO print_jobs (id, kind, ref_id, document, state, attempts, last_error, "
    "created_at) VALUES (?, ?, ?, ?, 'pending', 0, '', ?)"
)


def enqueue_row(session: Session, kind: str, ref_id: str, receipt: Receipt) -> str:
    """``enqueue`` as one statement on the session's connection (no ORM object): for the
    redemption commit, which holds the write lock. Returns the job's id."""
    job_id = new_id()
    raw.dbapi(session).execute(
        _INSERT_JOB,
        (job_id, kind, ref_id, raw.json_in(receipt.to_dict()), raw.dt(utcnow())),
    )
    wrote(session, PrintJob)
    return job_id


def reprint(session: Session, job_id: str, staff_id: str | None) -> PrintJob:
    """Queue a copy of any earlier job, audited with the staff member who asked."""
    original = session.scalar(select(PrintJob).where(PrintJob.id == job_id))
    if original is None:
        raise NotFoundError("print.job_not_found", job_id)
    job = PrintJob(
        kind=original.kind,
        ref_id=original.ref_id,
        document=original.document,
        reprint_of=original.id,
    )
    session.add(job)
    session.flush()
    session.add(
        AuditEntry(
            staff_id=staff_id,
            action="print.reprint",
            detail={
                "job_id": original.id,
                "new_job_id": job.id,
                "kind": original.kind,
                "ref_id": original.ref_id,
            },
        )
    )
    return job


def recent_jobs(session: Session, limit: int = 50) -> list[PrintJob]:
    """Newest first, for the staff screen's reprint list."""
    return list(session.scalars(select(PrintJob).order_by(PrintJob.seq.desc()).limit(limit)))


# Jobs staff should look at, until reprinted: not printed, and probably printed.
NOT_PRINTED = ("failed", "interrupted")
UNCONFIRMED = "printed_unconfirmed"


@dataclass(frozen=True)
class QueueState:
    printer: str  # ok | paper_low | offline | cover_open | paper_out | unknown
    pending: int
    failed: int  # failed or interrupted and not yet reprinted: staff should reprint
    last_error: str  # message key of the last failure, "" after a success
    unconfirmed: int = 0  # printed_unconfirmed, not reprinted: staff check the printer


def counts(session: Session) -> tuple[int, int, int]:
    """(pending, not printed, probably printed) — the last two until staff reprint."""
    pending = session.scalar(
        select(func.count())
        .select_from(PrintJob)
        .where(PrintJob.state.in_(("pending", "printing")))
    )
    copy = aliased(PrintJob)

    def unreprinted(*states: str) -> int:
        return int(
            session.scalar(
                select(func.count())
                .select_from(PrintJob)
                .where(PrintJob.state.in_(states), ~exists().where(copy.reprint_of == PrintJob.id))
            )
            or 0
        )

    return int(pending or 0), unreprinted(*NOT_PRINTED), unreprinted(UNCONFIRMED)


def _printer_state(exc: PrinterError) -> str:
    if isinstance(exc, PaperOut):
        return PrinterStatus.PAPER_OUT.value
    if isinstance(exc, CoverOpen):
        return PrinterStatus.COVER_OPEN.value
    return PrinterStatus.OFFLINE.value


class PrintQueue:
    """One worker thread over the print_jobs table. Listeners are called from the worker
    thread with a ``QueueState`` after every change (the UI re-emits it as a Qt signal)."""

    def __init__(
        self,
        store: Store,
        output: Output | Config,
        *,
        listener: Callable[[QueueState], None] | None = None,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        idle_poll: float = 30.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.store = store
        # A Config means "the printer it names" (what the composition root passes),
        # opened when first needed: by the worker, off the kiosk's start (see ``output``).
        self._config = output if isinstance(output, Config) else None
        self._output = None if isinstance(output, Config) else output
        self._output_lock = threading.Lock()
        self._listeners: list[Callable[[QueueState], None]] = [listener] if listener else []
        self.min_backoff, self.max_backoff, self.idle_poll = min_backoff, max_backoff, idle_poll
        self._rng = rng
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._printer = PrinterStatus.UNKNOWN.value
        self._last_error = ""
        self._rendered: tuple[str, bytes] | None = None  # (job id, payload): render once
        # A receipt starts printing the moment its transaction commits, not at the next poll.
        self._job_hook = WakeOnCommit(store, PrintJob, self.kick)

    @property
    def output(self) -> Output:
        """The printer. For a Config, opened the first time it is needed — normally by
        the worker as it starts, so the printer stack loads on the worker's thread."""
        if self._output is None:
            with self._output_lock:
                if self._output is None:
                    assert self._config is not None
                    self._output = output_for(self._config)
        return self._output

    # --- control -----------------------------------------------------------------

    def printer_state(self) -> str:
        """The printer's state as the worker last saw it (ok, paper_out, ...), for the
        station's report to central; a plain read of a string the worker replaces."""
        return self._printer

    def add_listener(self, listener: Callable[[QueueState], None]) -> None:
        """Called from the worker thread after every change; kicks so it hears soon."""
        self._listeners.append(listener)
        self.kick()

    def remove_listener(self, listener: Callable[[QueueState], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def start(self) -> None:
        """Start the worker; it recovers what a crash left ``printing`` before its first
        job. On the worker, not here: the start runs before the kiosk serves its first
        tap, and the first query (SQLAlchemy compiling it and configuring the mappers)
        costs more than everything else the queue does at start."""
        self._job_hook.install()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._job_hook.remove()
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def kick(self) -> None:
        """Retry now (a job was added, staff pressed retry, paper was loaded)."""
        self._wake.set()

    def recover(self) -> int:
        """Jobs left ``printing`` by a crash become ``printed_unconfirmed`` (the whole job
        was handed over) or ``interrupted`` (it was not): see the module docstring."""
        with self.store.begin() as session:
            jobs = session.scalars(select(PrintJob).where(PrintJob.state == "printing")).all()
            for job in jobs:
                if job.handed_over_at is not None:
                    job.state, job.last_error = UNCONFIRMED, "print.unconfirmed"
                    log.warning("print job %s (%s) was probably printed", job.id, job.kind)
                else:
                    job.state, job.last_error = "interrupted", "print.interrupted"
                    log.warning("print job %s (%s) was interrupted", job.id, job.kind)
        if jobs:
            from printer import resync
            from printer.commands import MAX_BAND

            # The printer may be stuck inside a picture of the dead job: the next job
            # starts with padding covering the widest band we ever send, then ESC @.
            connection = self.output.connection
            band = self.output.profile.dots // 8 * MAX_BAND
            connection.resync_pad = max(connection.resync_pad, band + resync.SHORT)
        return len(jobs)

    # --- work ----------------------------------------------------------------------

    def backoff(self) -> float:
        """Capped exponential in the number of failures in a row, with jitter in [½, 1]."""
        base = min(self.max_backoff, self.min_backoff * 2 ** max(0, self._failures - 1))
        return base * (0.5 + self._rng() / 2)

    def _recover_first(self) -> bool:
        """``recover`` until it succeeds (a locked store is retried with the backoff), so
        no job is printed while one a crash left ``printing`` is undecided. False when
        asked to stop first."""
        while not self._stopping.is_set():
            try:
                self.recover()
            except Exception:
                log.exception("recovering interrupted print jobs failed; retrying")
                self._failures += 1
                self._wake.wait(self.backoff())
                self._wake.clear()
                continue
            self._failures = 0
            return True
        return False

    def _run(self) -> None:
        if not self._recover_first():
            return
        while not self._stopping.is_set():
            try:
                outcome = self.process_once()
            except Exception:
                log.exception("print queue step failed")
                outcome = False
            if outcome is True:
                continue
            if outcome is None:
                self._publish_probe()
                delay = self.idle_poll
            else:
                delay = self.backoff()
            self._wake.wait(delay)
            self._wake.clear()

    def process_once(self) -> bool | None:
        """One attempt at the oldest pending job: True printed, False failed (job kept or
        failed for good), None nothing to print."""
        with self.store.begin() as session:
            job = session.scalars(
                select(PrintJob).where(PrintJob.state == "pending").order_by(PrintJob.seq).limit(1)
            ).first()
            if job is None:
                self._publish(session)
                return None
            job.state = "printing"
            job.attempts += 1
            job_id, kind, document = job.id, job.kind, job.document
        try:
            payload = self._payload(job_id, document)
        except Exception as exc:
            log.exception("print job %s cannot be rendered", job_id)
            self._finish(job_id, "failed", f"print.render_failed: {exc}"[:200])
            return False
        try:
            after = self.output.send(payload, f"{kind}-{job_id}", lambda: self._handed_over(job_id))
        except Unconfirmed as exc:
            # The whole job reached the printer (or CUPS), which then reported a fault:
            # the rest of the receipt may come out once it is fixed, so no resend.
            self._failures += 1
            self._printer = exc.status
            self._last_error = exc.key
            log.warning("print job %s probably printed, then: %s", job_id, exc)
            self._finish(job_id, UNCONFIRMED, str(exc)[:200])
            return False
        except PrinterError as exc:
            self._failures += 1
            self._printer = _printer_state(exc)
            self._last_error = exc.key
            log.warning("print job %s not printed (attempt %d): %s", job_id, self._failures, exc)
            self._finish(job_id, "pending", str(exc)[:200])
            return False
        except Exception as exc:
            # A bug or an unmapped driver error, most likely before any byte went out:
            # keep the job (never lost) and retry with backoff like a printer fault.
            log.exception("print job %s: unexpected error while sending", job_id)
            self._failures += 1
            self._printer = PrinterStatus.UNKNOWN.value
            self._last_error = "print.error"
            self._finish(job_id, "pending", f"print.error: {exc!r}"[:200])
            return False
        self._failures = 0
        # The state the printer reported after the job (paper low stays visible).
        self._printer = (
            after.value if after is not PrinterStatus.UNKNOWN else PrinterStatus.OK.value
        )
        self._last_error = ""
        self._rendered = None
        self._finish(job_id, "done", "")
        log.info("printed %s job %s", kind, job_id)
        return True

    def _payload(self, job_id: str, document: dict) -> bytes:
        if self._rendered is None or self._rendered[0] != job_id:
            from printer.document import Receipt

            self._rendered = (job_id, self.output.render(Receipt.from_dict(document)))
        return self._rendered[1]

    def _handed_over(self, job_id: str) -> None:
        """Committed before the job's last bytes leave: see the module docstring."""
        with self.store.begin() as session:
            job = session.scalar(select(PrintJob).where(PrintJob.id == job_id))
            assert job is not None
            job.handed_over_at = utcnow()

    def _finish(self, job_id: str, state: str, error: str) -> None:
        with self.store.begin() as session:
            job = session.scalar(select(PrintJob).where(PrintJob.id == job_id))
            assert job is not None
            job.state = state
            job.last_error = error
            if state == "done":
                job.printed_at = utcnow()
            elif state == "pending":
                job.handed_over_at = None  # the transport took the job back
            self._publish(session)

    # --- reporting --------------------------------------------------------------------

    def _publish_probe(self) -> None:
        try:
            self._printer = self.output.status().value
        except Exception:
            log.exception("printer status probe failed")
            self._printer = PrinterStatus.UNKNOWN.value
        with self.store.begin() as session:
            self._publish(session)

    def _publish(self, session: Session) -> None:
        if not self._listeners:
            return
        pending, failed, unconfirmed = counts(session)
        state = QueueState(self._printer, pending, failed, self._last_error, unconfirmed)
        for listener in list(self._listeners):
            try:
                listener(state)
            except Exception:
                log.exception("print queue listener failed")
