"""The sync engine: push then pull, on a background thread, on a timer, on demand.

While central cannot be reached (refused, reset, timed out) the full cycle backs off up to
minutes, but a cheap probe (``GET /api/v1/health``: no auth, no database) runs every
``probe_cap_s`` at most, so the kiosk shows 已联网 within a few seconds of the network
returning (issue 13: it took ~55 s) without hammering central with whole cycles.

No Qt here. The UI registers a listener and re-emits each ``SyncStatus`` as a queued
signal; listeners run on the engine's thread (or on the caller's for ``sync_once``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from kiosk import outbox
from kiosk.clock import utcnow
from kiosk.diskspace import is_disk_full
from kiosk.store.commit_hooks import WakeOnCommit
from kiosk.store.db import Store
from kiosk.store.models import OutboxEvent
from protocol.api import MAX_REPORTED_BACKLOG, REPORT_PRINTER_STATES, StationReport
from sync.backoff import Backoff
from sync.client import CentralClient
from sync.errors import ServerDown, SyncError, SyncTimeout, TlsFailed
from sync.pictures import fetch_pictures
from sync.pull import PAGE_LIMIT, pull_changes
from sync.push import BATCH_MAX, push_pending
from sync.status import SyncStatus

log = logging.getLogger(__name__)

Listener = Callable[[SyncStatus], None]


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: CentralClient,
        interval_s: float = 30.0,
        *,
        batch_size: int = BATCH_MAX,
        page_limit: int = PAGE_LIMIT,
        backoff: Backoff | None = None,
        probe_cap_s: float = 2.0,
        probe_timeout: tuple[float, float] = (1.5, 2.0),
        printer_state: Callable[[], str] | None = None,
        data_dir: str | None = None,
    ) -> None:
        self.store, self.client, self.interval_s = store, client, interval_s
        # The printer's state for the station's report to central (print queue's view);
        # sync/ never imports the printer or the UI, so it is handed a function.
        self.printer_state = printer_state
        # Where fetched gift pictures go (<data_dir>/media); None: pictures not fetched.
        self.data_dir = data_dir
        self.batch_size, self.page_limit = batch_size, page_limit
        self.backoff = backoff or Backoff()
        # Probes while unreachable: 0.25-0.5 s, then up to probe_cap_s (jittered, so a
        # district's kiosks do not all knock in the same second). The cap plus the probe's
        # own timeout keeps "network back" to "已联网" under 5 s.
        self.probe_cap_s, self.probe_timeout = probe_cap_s, probe_timeout
        self._unreachable = False  # the last cycle failed for want of a connection
        self._status = SyncStatus()
        self._status_lock = threading.Lock()
        self._cycle_lock = threading.Lock()  # one cycle at a time: thread or sync_once
        self._listeners: list[Listener] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._not_before = 0.0  # monotonic time before which central asked us to wait
        self._retry_after: float | None = None
        self._next_at: float | None = None  # monotonic time of the next planned cycle
        self._outbox_hook = WakeOnCommit(store, OutboxEvent, self.kick)

    # --- public API ------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._watch_outbox(True)
        self._update(**self._counts())  # the strip shows what waits before the first cycle
        self._thread = threading.Thread(target=self._run, name="sync-engine", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and join the thread. A call in flight is cut short (its socket is shut
        down), so this returns promptly even while central stalls."""
        thread = self._thread
        self._stopping.set()
        self._watch_outbox(False)
        self._wake.set()
        if thread is None:
            return
        self.client.abort()
        thread.join(timeout)
        if thread.is_alive():
            log.error("sync thread did not stop within %.1f s", timeout)
        else:
            self._thread = None

    def kick(self) -> None:
        """Sync soon: after a local event, or when staff press "sync now"."""
        self._wake.set()

    def status(self) -> SyncStatus:
        with self._status_lock:
            return self._status

    def next_attempt_in(self) -> float | None:
        """Seconds until the thread's next planned cycle (for "retrying in 25 s"); None
        when the thread is not running or a cycle is under way."""
        next_at = self._next_at
        return None if next_at is None else max(0.0, next_at - time.monotonic())

    def add_listener(self, callback: Listener) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        # Tolerant: a screen may detach twice (hide, then destroy).
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def sync_once(self) -> SyncStatus:
        """One full cycle (push, then pull), synchronously. Never raises for network or
        store trouble: the outcome is in the returned status."""
        with self._cycle_lock:
            self._update(last_attempt=utcnow(), **self._counts())
            error, self._retry_after = None, None
            self._unreachable = False
            try:
                push_pending(self.store, self.client, self.batch_size)
                pull_changes(self.store, self.client, self.page_limit, self._report())
                if self.data_dir:
                    fetch_pictures(self.store, self.client, self.data_dir)
            except SyncError as exc:
                error, self._retry_after = exc.key, exc.retry_after
                # A certificate problem does not heal by knocking again; a refused,
                # reset or silent connection does, and that is what the probe watches.
                self._unreachable = isinstance(exc, (ServerDown, SyncTimeout)) and not (
                    isinstance(exc, TlsFailed)
                )
                log.warning("sync failed (%s): %s", exc.key, exc)
            except SQLAlchemyError as exc:
                error = "sync.disk_full" if is_disk_full(exc) else "sync.store_error"
                log.exception("sync failed in the local store (%s)", error)
            except Exception:  # a bug must not kill the thread; it is logged in full
                error = "sync.failed"
                log.exception("sync failed unexpectedly")
            skew = getattr(self.client, "clock_skew_s", None)
            if error is None:
                self._update(
                    online=True,
                    last_success=utcnow(),
                    last_error=None,
                    clock_skew_s=skew,
                    **self._counts(),
                )
            else:
                self._update(online=False, last_error=error, **self._counts())
            return self.status()

    # --- internals -------------------------------------------------------------------

    def _watch_outbox(self, on: bool) -> None:
        """Kick after any commit on our store that wrote an outbox row, so a local event
        goes out at once without every screen having to remember to call kick()."""
        if on:
            self._outbox_hook.install()
        else:
            self._outbox_hook.remove()

    def _report(self) -> StationReport:
        """What this station tells central about itself with the pull, for the district
        console only: events still waiting to go, and the printer's state."""
        report: StationReport = {}
        counts = self._counts()
        if "pending" in counts:
            report["backlog"] = min(counts["pending"], MAX_REPORTED_BACKLOG)
        if self.printer_state is not None:
            try:
                state = self.printer_state()
            except Exception:
                log.exception("cannot read the printer state for the report")
                state = "unknown"
            report["printer"] = state if state in REPORT_PRINTER_STATES else "unknown"
        return report

    def _counts(self) -> dict[str, int]:
        try:
            with self.store.read() as session:
                pending, rejected = outbox.counts(session)
        except SQLAlchemyError:
            log.exception("cannot count the outbox")
            return {}
        return {"pending": pending, "rejected": rejected}

    def _update(self, **changes: Any) -> None:
        with self._status_lock:
            new = replace(self._status, **changes)
            if new == self._status:
                return
            self._status = new
        if self._stopping.is_set():
            return  # the app is shutting down: its widgets may be gone
        for callback in list(self._listeners):
            try:
                callback(new)
            except Exception:
                log.exception("sync status listener failed")

    def _probe(self) -> bool:
        """Does central answer at all? One small unauthenticated GET."""
        health = getattr(self.client, "health", None)
        if health is None:
            return False
        try:
            health(timeout=self.probe_timeout)
        except SyncError as exc:
            log.debug("probe: central still unreachable (%s)", exc.key)
            return False
        except Exception:  # a bug in a probe must not kill the thread
            log.exception("probe failed unexpectedly")
            return False
        return True

    def _wait_probing(self, delay: float) -> None:
        """Wait up to ``delay`` s like ``_wake.wait``, but return as soon as central
        answers a probe, so the next cycle runs (and the strip turns green) at once."""
        deadline = time.monotonic() + delay
        steps = Backoff(base_s=0.5, cap_s=self.probe_cap_s)
        while not self._stopping.is_set():
            step = min(deadline - time.monotonic(), steps.next_delay())
            if step <= 0 or self._wake.wait(step):
                return
            if self._stopping.is_set() or deadline - time.monotonic() <= 0:
                return
            if self._probe():
                log.info("central answers again: syncing now")
                return

    def _run(self) -> None:
        log.info("sync engine started (every %.0f s)", self.interval_s)
        delay = 0.0  # first cycle at once: the strip should not wait 30 s to turn green
        while True:
            self._next_at = time.monotonic() + delay
            if self._unreachable and self._not_before <= time.monotonic():
                self._wait_probing(delay)
            else:
                self._wake.wait(delay)
            self._wake.clear()
            if self._stopping.is_set():
                break
            wait_more = self._not_before - time.monotonic()
            if wait_more > 0:
                delay = wait_more  # central said Retry-After: even "sync now" waits
                continue
            self._next_at = None
            status = self.sync_once()
            if status.last_error is None:
                self.backoff.reset()
                delay = self.interval_s
            else:
                delay = self.backoff.next_delay(self._retry_after)
                if self._retry_after is not None:
                    self._not_before = time.monotonic() + delay
        self._next_at = None
        log.info("sync engine stopped")
