"""One small helper that runs domain work off the main thread (Anki's operations idea).

``ops.run(fn, *args, on_ok=..., on_err=...)`` runs ``fn(*args)`` on a QThreadPool worker;
``ops.run_db(fn, *args, ...)`` runs ``fn(session, *args)`` inside ``store.begin()`` on the
worker, for work that writes; ``ops.read_db(...)`` runs a pure query inside
``store.read()``, which never waits for a writer (the sync thread applying a page holds
the write lock), so a screen's read is not held up by a sync in progress.
``on_ok(result)`` / ``on_err(err)`` run on the main thread (a queued signal carries the
outcome back; workers never touch widgets). A ``KioskError`` goes to ``on_err``; any other
exception is a bug: it is logged with its traceback under a short code and the
"please call staff" screen shows that code.

While any busy task runs, ``busy_changed(True)`` lets the window show a busy overlay; the
screen stays touchable. ``drop_pending()`` (idle reset, back home) makes the callbacks of
tasks still running be skipped, so a late result never refills a cleared screen.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from kiosk.diskspace import is_disk_full
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
STORE_WAIT_S = 120.0  # a store restored from backup and migrated may take this long


def short_code() -> str:
    """A code a resident can read out to staff, e.g. "E-7K3Q9"; it is in the log too."""
    import secrets  # only on an error: hmac and OpenSSL stay off the path to home

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "E-" + "".join(secrets.choice(alphabet) for _ in range(5))


@dataclass
class _Pending:
    on_ok: Callback | None
    on_err: Callback | None
    busy: bool
    epoch: int
    name: str


class _Relay(QObject):
    """Lives on the main thread; workers emit, the main thread receives (queued)."""

    done = Signal(int, bool, object)


class _Task(QRunnable):
    def __init__(self, task_id: int, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.task_id = task_id
        self.call = call
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.call()
        except BaseException as exc:
            exc.__kiosk_tb__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.done.emit(self.task_id, False, exc)
        else:
            self.relay.done.emit(self.task_id, True, result)


class Operations(QObject):
    busy_changed = Signal(bool)
    finished = Signal()
    crashed = Signal(str)  # short code of an unexpected error
    # The short code of a task that failed because the disk is full; "" when a task
    # succeeds again after one did (space was freed).
    disk_full = Signal(str)

    def __init__(self, store: Any, pool: QThreadPool | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._store_ready = threading.Event()
        self.store = store
        self.pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._finish)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._epoch = 0
        self._busy = 0
        self._disk_was_full = False

    @property
    def store(self) -> Any:
        return self._store

    @store.setter
    def store(self, store: Any) -> None:
        # The kiosk opens its store on a thread after home is painted (ui.app.run_app):
        # store work submitted before then waits on its worker, not on the main thread.
        self._store = store
        if store is None:
            self._store_ready.clear()
        else:
            self._store_ready.set()

    def _wait_store(self) -> Any:
        if not self._store_ready.wait(STORE_WAIT_S):
            raise RuntimeError("the store did not open")
        return self._store

    # -- public API ------------------------------------------------------------------
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_ok: Callback | None = None,
        on_err: Callback | None = None,
        busy: bool = True,
    ) -> int:
        return self._submit(lambda: fn(*args), getattr(fn, "__name__", "task"), on_ok, on_err, busy)

    def run_db(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_ok: Callback | None = None,
        on_err: Callback | None = None,
        busy: bool = True,
    ) -> int:
        return self._in_session(fn, args, True, on_ok, on_err, busy)

    def read_db(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_ok: Callback | None = None,
        on_err: Callback | None = None,
        busy: bool = True,
    ) -> int:
        """Like ``run_db`` for a function that only reads: ``fn(session, *args)`` inside
        ``store.read()``. A write there fails (and is never saved)."""
        return self._in_session(fn, args, False, on_ok, on_err, busy)

    def _in_session(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        write: bool,
        on_ok: Callback | None,
        on_err: Callback | None,
        busy: bool,
    ) -> int:
        def call() -> Any:
            store = self._wait_store()
            with (store.begin if write else store.read)() as session:
                return fn(session, *args)

        return self._submit(call, getattr(fn, "__name__", "task"), on_ok, on_err, busy)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def drop_pending(self) -> None:
        """Skip the callbacks of every task still running (their work still completes)."""
        self._epoch += 1
        if self._busy:
            self._busy = 0
            self.busy_changed.emit(False)

    def wait_done(self, msecs: int = 10_000) -> bool:
        """Block until the pool is idle (for tests and shutdown; never from a screen)."""
        return self.pool.waitForDone(msecs)

    # -- internals -------------------------------------------------------------------
    def _submit(
        self,
        call: Callable[[], Any],
        name: str,
        on_ok: Callback | None,
        on_err: Callback | None,
        busy: bool,
    ) -> int:
        task_id = next(self._ids)
        self._pending[task_id] = _Pending(on_ok, on_err, busy, self._epoch, name)
        if busy:
            self._busy += 1
            if self._busy == 1:
                self.busy_changed.emit(True)
        self.pool.start(_Task(task_id, call, self._relay))
        return task_id

    @Slot(int, bool, object)
    def _finish(self, task_id: int, ok: bool, value: object) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        current = pending.epoch == self._epoch
        if pending.busy and current and self._busy:
            self._busy -= 1
            if self._busy == 0:
                self.busy_changed.emit(False)
        try:
            if ok:
                if self._disk_was_full:
                    self._disk_was_full = False
                    self.disk_full.emit("")
                if current and pending.on_ok is not None:
                    pending.on_ok(value)
            elif isinstance(value, KioskError):
                log.info("%s failed: %s (%s)", pending.name, value.key, value)
                if current and pending.on_err is not None:
                    pending.on_err(value)
            else:
                self._crash(pending.name, value)
        finally:
            self.finished.emit()

    def _crash(self, name: str, exc: object) -> None:
        code = short_code()
        tb = getattr(exc, "__kiosk_tb__", repr(exc))
        if isinstance(exc, BaseException) and is_disk_full(exc):
            # Not a bug: the environment. Logged with its code all the same (the log's
            # reserve makes room for it, see kiosk.logs) and named on screen.
            log.error("disk full: error %s in %s:\n%s", code, name, tb)
            self._disk_was_full = True
            self.disk_full.emit(code)
            return
        log.error("unexpected error %s in %s:\n%s", code, name, tb)
        self.crashed.emit(code)
