"""Background jobs of a running central: releasing expired holds.

Every central process may run the sweeper; ``redemptions.expire_holds`` is safe when
several do (see there)."""

from __future__ import annotations

import logging
import threading

from central import redemptions
from central.db import Database

log = logging.getLogger(__name__)


class HoldSweeper:
    """Calls ``expire_holds`` every ``interval_s`` seconds in a daemon thread."""

    def __init__(self, db: Database, interval_s: float) -> None:
        self.db, self.interval_s = db, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hold-sweeper", daemon=True)

    def start(self) -> HoldSweeper:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                released = redemptions.expire_holds(self.db)
                if released:
                    log.info("released %d expired hold(s)", released)
            except Exception:  # a database hiccup must not end the job: try next time
                log.exception("releasing expired holds failed")
