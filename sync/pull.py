"""Pull: fetch central's changes page by page; each page and the cursor that follows it
are written in one transaction, so a crash or a failed page never skips or repeats
anything beyond what idempotent upserts absorb.

A page's transaction holds the store's write lock, and a redemption made meanwhile waits
for it; so pages are sized from how long the last one took to apply, aiming at
``LOCK_BUDGET_S`` (a page of cheap volunteer upserts stays large, a page of costly kinds
shrinks). A cycle goes on until central has nothing more: a station far behind catches up
in one cycle, and ``SyncEngine.stop`` still ends it at once (it aborts the HTTP call).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session

from kiosk.clock import utcnow
from kiosk.store.db import Store
from kiosk.store.models import SyncCursor
from protocol.api import DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT, StationReport
from sync.apply import apply_changes
from sync.client import CentralClient

log = logging.getLogger(__name__)

CURSOR = "changes"
PAGE_LIMIT = DEFAULT_CHANGES_LIMIT
LOCK_BUDGET_S = 0.035  # aim: each page's write transaction well under 50 ms
MIN_PAGE = 20


def read_cursor(session: Session, name: str = CURSOR) -> str:
    row = session.get(SyncCursor, name)
    return row.cursor if row is not None else ""


def save_cursor(session: Session, value: str, name: str = CURSOR) -> None:
    row = session.get(SyncCursor, name)
    if row is None:
        session.add(SyncCursor(name=name, cursor=value, updated_at=utcnow()))
    else:
        row.cursor, row.updated_at = value, utcnow()


def next_page_size(size: int, applied: int, took_s: float, limit: int) -> int:
    """The page size that should take about ``LOCK_BUDGET_S`` at the cost per change just
    seen; it grows at most twofold a page (one cheap page may be luck)."""
    if applied <= 0 or took_s <= 0:
        return size
    fits = int(LOCK_BUDGET_S / (took_s / applied))
    return max(min(MIN_PAGE, limit), min(limit, size * 2, fits))


def pull_changes(
    store: Store,
    client: CentralClient,
    limit: int = PAGE_LIMIT,
    report: StationReport | None = None,
) -> int:
    """Apply pages until central has no more; return the number of changes applied.
    ``report`` (backlog, printer) goes with the first page only. Raises ``SyncError`` on
    any failure (pages already applied stay applied)."""
    applied = 0
    limit = max(1, min(limit, MAX_CHANGES_LIMIT))
    size = limit
    first = True
    while True:
        with store.read() as session:
            cursor = read_cursor(session)
        extra = dict(report) if report and first else None
        first = False
        page = client.changes(cursor, size, extra)
        started = time.perf_counter()
        with store.begin() as session:
            if read_cursor(session) != cursor:
                # Another puller (a CLI "sync" next to the app) got here first.
                log.info("cursor moved under us; page discarded")
                continue
            done = apply_changes(session, page["changes"])
            save_cursor(session, page["next_cursor"])
        took = time.perf_counter() - started
        applied += done
        size = next_page_size(size, len(page["changes"]), took, limit)
        log.debug("pulled %d changes in %.1f ms; next page %d", done, took * 1000, size)
        if not page["has_more"]:
            break
    return applied
