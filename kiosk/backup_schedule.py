"""The daily backup in the running kiosk: a check at start and then every hour.

With ``check_store`` the first pass begins with the store's whole-file check
(``kiosk.backup.check_in_background``): the start skipped it after a clean stop.

Other hourly chores (the privacy purge) ride along as ``chores``: plain callables, each
failure logged and survived.

A plain daemon thread; it only reads the store (through SQLite's backup API), so it needs
no session and never blocks the UI or the writers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.backup import check_in_background, daily_backup

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3600.0


class BackupScheduler:
    def __init__(
        self,
        store_path: str | Path,
        data_dir: str | Path,
        keep_days: int,
        interval_s: float = CHECK_EVERY_S,
        chores: Sequence[Callable[[], object]] = (),
        check_store: bool = False,
        hold_first_pass: bool = False,
    ) -> None:
        self.chores = list(chores)
        self.check_store = check_store
        self.damage: list[str] | None = None  # the check's finding; None: not run (yet)
        self.store_path, self.data_dir = Path(store_path), Path(data_dir)
        self.keep_days, self.interval_s = keep_days, interval_s
        self._stop = threading.Event()
        # Set by release() (or stop()): the first pass waits for it when held.
        self._go = threading.Event()
        if not hold_first_pass:
            self._go.set()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def run_once(self) -> Path | None:
        try:
            made = daily_backup(self.store_path, self.data_dir, self.keep_days)
        except Exception as exc:
            # A failed backup must not take the kiosk down; doctor shows its age.
            self.last_error = str(exc)
            log.exception("daily backup failed")
            return None
        self.last_error = None
        return made

    def run_check(self) -> list[str] | None:
        try:
            self.damage = check_in_background(self.store_path, self.data_dir)
        except Exception:
            # e.g. "database is locked" for 10 s: not damage; the next start checks again
            # only if this run stops uncleanly, so say it loudly.
            log.exception("the store's check after start failed to run")
        return self.damage

    def run_chores(self) -> None:
        for chore in self.chores:
            try:
                chore()
            except Exception:
                log.exception("hourly chore %s failed", getattr(chore, "__name__", chore))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="backup", daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Let a held first pass begin: the kiosk's start calls this once the store is
        open and the services run. The whole-file check reads every page (2-3 s of CPU on
        a three-year store) and a due backup copies them; begun with the start, they share
        the two cores with it and the first tap waits."""
        self._go.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._go.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        self._go.wait()
        if self._stop.is_set():
            return
        began = time.monotonic()
        if self.check_store:
            self.run_check()
        first = True
        while not self._stop.is_set():
            self.run_once()
            self.run_chores()
            if first:
                # The start's own work is over (figure 2 reads the peak memory after it).
                log.info("first backup pass done in %.1f s", time.monotonic() - began)
                first = False
            self._stop.wait(self.interval_s)
