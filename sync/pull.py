"""Pull: fetch central's changes page by page; each page and the cursor that follows it
are written in one transaction, so a crash or a failed page never skips or repeats
anything beyond what idempotent upserts absorb."""

from __future__ import annotations

import logging

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
# Bounds one cycle; a station that is further behind catches up over the next cycles.
MAX_PAGES = 100


def read_cursor(session: Session, name: str = CURSOR) -> str:
    row = session.get(SyncCursor, name)
    return row.cursor if row is not None else ""


def save_cursor(session: Session, value: str, name: str = CURSOR) -> None:
    row = session.get(SyncCursor, name)
    if row is None:
        session.add(SyncCursor(name=name, cursor=value, updated_at=utcnow()))
    else:
        row.cursor, row.updated_at = value, utcnow()


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
    for n in range(MAX_PAGES):
        with store.read() as session:
            cursor = read_cursor(session)
        extra = dict(report) if report and n == 0 else None
        page = client.changes(cursor, min(limit, MAX_CHANGES_LIMIT), extra)
        with store.begin() as session:
            if read_cursor(session) != cursor:
                # Another puller (a CLI "sync" next to the app) got here first.
                log.info("cursor moved under us; page discarded")
                continue
            applied += apply_changes(session, page["changes"])
            save_cursor(session, page["next_cursor"])
        if not page["has_more"]:
            break
    return applied
