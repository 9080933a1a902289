"""Keeping the store's query plans good as it ages: statistics for SQLite's planner.

SQLite picks indexes from ``sqlite_stat1``; a store that never ran ``ANALYZE`` plans every
query as if each table were small and each index equally good, which on a station's third
year (a million stock movements, half a million ledger entries) picks badly. ``PRAGMA
optimize`` alone does nothing on a fresh connection with the SQLite 3.40 we ship (it only
looks at tables that connection has already queried), so upkeep runs a bounded
``ANALYZE`` (``analysis_limit`` rows sampled per index: tens of milliseconds whatever the
store's size) followed by ``PRAGMA optimize``, at start and then daily, on the backup
thread, never the UI thread.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store.db import Store

log = logging.getLogger(__name__)

ANALYSIS_LIMIT = 1000  # rows sampled per index; SQLite's own advice is 100-1000
SAMPLING_CACHE_KIB = 256  # each sampled page is read once
EVERY_S = 24 * 3600.0


def optimize(store: Store) -> float:
    """Refresh the planner's statistics; returns the seconds it took.

    On a connection of its own with a small page cache, closed after: ``ANALYZE`` samples
    every index once, and on a pooled connection those pages would stay in the page cache
    the screens' queries use (2 MiB of it), pushing out the pages those queries read."""
    from kiosk.store.db import BUSY_TIMEOUT_MS

    start = time.perf_counter()
    conn = sqlite3.connect(store.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA cache_size=-{SAMPLING_CACHE_KIB}")
        conn.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA optimize")
    finally:
        conn.close()
    took = time.perf_counter() - start
    log.info("store statistics refreshed in %.0f ms", took * 1000)
    return took


def daily_optimize(store: Store, every_s: float = EVERY_S) -> Callable[[], float | None]:
    """A chore for the hourly scheduler: ``optimize`` on its first call, then once a day."""
    last: list[float] = []

    def optimize_store() -> float | None:
        now = time.monotonic()
        if last and now - last[0] < every_s:
            return None
        last[:] = [now]
        return optimize(store)

    return optimize_store
