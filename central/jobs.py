"""Central's background jobs, run by the one process that leads (``central.leader``).

A job is a function of the Database, one short transaction, safe to run twice. Add one
with ``JOBS.append(("name", func))`` at import time (the points helper's hold expiry
plugs in here).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete

from central.clock import utcnow
from central.db import Database
from central.leader import Job
from central.models import RejectedEvent

log = logging.getLogger(__name__)

JOB_INTERVAL_S = 60.0
REJECTED_KEEP_DAYS = 90


def purge_retention(db: Database) -> int:
    """Drop audit rows of rejected events older than REJECTED_KEEP_DAYS (they name
    stations and event ids, nothing a kiosk ever needs again); returns how many."""
    cutoff = utcnow() - timedelta(days=REJECTED_KEEP_DAYS)
    with db.write() as session:
        gone = session.execute(delete(RejectedEvent).where(RejectedEvent.received_at < cutoff))
    if gone.rowcount:
        log.info("retention purge: %d rejected-event rows", gone.rowcount)
    return int(gone.rowcount or 0)


JOBS: list[tuple[str, Job]] = [("retention purge", purge_retention)]
