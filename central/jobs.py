"""Central's background jobs.

``JOBS`` run in the one process that leads (``central.leader``): each a function of the
Database, one short transaction, safe to run twice. ``HoldSweeper`` releases expired
redemption holds in every process that serves (``redemptions.expire_holds`` is safe when
several do: SKIP LOCKED on PostgreSQL, one write transaction on SQLite).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult

from central import redemptions
from central.clock import utcnow
from central.db import Database
from central.leader import Job
from central.models import RejectedEvent

log = logging.getLogger(__name__)

JOB_INTERVAL_S = 60.0
REJECTED_KEEP_DAYS = 90


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


def purge_retention(db: Database) -> int:
    """Drop audit rows of rejected events older than REJECTED_KEEP_DAYS (they name
    stations and event ids, nothing a kiosk ever needs again); returns how many."""
    cutoff = utcnow() - timedelta(days=REJECTED_KEEP_DAYS)
    with db.write() as session:
        done = cast(
            CursorResult[Any],
            session.execute(delete(RejectedEvent).where(RejectedEvent.received_at < cutoff)),
        )
        gone = done.rowcount or 0
    if gone:
        log.info("retention purge: %d rejected-event rows", gone)
    return gone


JOBS: list[tuple[str, Job]] = [("retention purge", purge_retention)]
