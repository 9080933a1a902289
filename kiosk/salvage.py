"""Copy the pending outbox events still readable from a damaged store into the live one.

A damaged file may fail any query that touches a bad page, so rows are read one at a
time by rowid (``seq``), bypassing indexes (``NOT INDEXED``): a bad leaf page costs the
rows on it, not the whole table. Events already in the live outbox (same id) are skipped,
so salvaging twice is harmless.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.errors import EnvironmentFault
from kiosk.store import Store
from kiosk.store.models import OutboxEvent

log = logging.getLogger(__name__)

COLUMNS = "seq, id, type, occurred_at, payload, state"
# Stop probing after this many rowids in a row that are neither readable nor damaged.
GAP_LIMIT = 1000


class SalvageError(EnvironmentFault):
    key = "backup.salvage_failed"


@dataclass
class SalvageResult:
    copied: int = 0
    skipped: int = 0  # already in the live outbox
    not_pending: int = 0
    unreadable: int = 0  # rowids whose page was damaged


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise SalvageError(detail=f"{path}: no such file", path=str(path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _lower_bound(conn: sqlite3.Connection) -> int:
    # The leftmost path of the rowid tree: readable unless that very page is damaged, and
    # it skips rows purged long ago.
    try:
        row = conn.execute("SELECT min(seq) FROM outbox_events").fetchone()
    except sqlite3.DatabaseError:
        return 1
    return int(row[0]) if row and row[0] else 1


def _upper_bound(conn: sqlite3.Connection) -> int:
    for sql in (
        "SELECT seq FROM sqlite_sequence WHERE name = 'outbox_events'",
        "SELECT max(seq) FROM outbox_events",
    ):
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and row[0]:
            return int(row[0])
    return 0


def read_outbox_rows(path: str | Path) -> tuple[list[sqlite3.Row], int]:
    """The outbox rows readable from ``path`` and the number of rowids that were not."""
    conn = _open(Path(path))
    try:
        try:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM outbox_events NOT INDEXED ORDER BY seq"
            ).fetchall()
            return rows, 0
        except sqlite3.DatabaseError as exc:
            log.warning("bulk read of %s failed (%s); reading row by row", path, exc)
        return _probe(conn)
    finally:
        conn.close()


def _probe(conn: sqlite3.Connection) -> tuple[list[sqlite3.Row], int]:
    rows: list[sqlite3.Row] = []
    unreadable = gap = 0
    bound = _upper_bound(conn)
    seq = _lower_bound(conn) - 1
    while True:
        seq += 1
        if seq > bound and gap >= GAP_LIMIT:
            break
        try:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM outbox_events NOT INDEXED WHERE seq = ?", (seq,)
            ).fetchone()
        except sqlite3.DatabaseError:
            unreadable += 1
            gap = 0
            continue
        if row is None:
            gap += 1
            continue
        gap = 0
        rows.append(row)
    return rows, unreadable


def _event(row: sqlite3.Row, source: str) -> OutboxEvent:
    payload: Any = row["payload"]
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    occurred = row["occurred_at"]
    if isinstance(occurred, str):
        occurred = datetime.fromisoformat(occurred)
    return OutboxEvent(
        id=row["id"],
        type=row["type"],
        occurred_at=occurred,
        payload=payload,
        state="pending",
        attempts=0,
        result=f"salvaged from {source}"[:200],
    )


def salvage_outbox(path: str | Path, store: Store) -> SalvageResult:
    """Copy pending events from the damaged file at ``path`` into ``store``'s outbox."""
    rows, unreadable = read_outbox_rows(path)
    result = SalvageResult(unreadable=unreadable)
    with store.begin() as session:
        present = set(session.scalars(select(OutboxEvent.id)))
        for row in rows:
            if row["state"] != "pending":
                result.not_pending += 1
            elif row["id"] in present:
                result.skipped += 1
            else:
                try:
                    session.add(_event(row, Path(path).name))
                except (ValueError, TypeError) as exc:
                    log.error("outbox row %s unusable: %s", row["id"], exc)
                    result.unreadable += 1
                    continue
                present.add(row["id"])
                result.copied += 1
    log.warning("salvaged outbox from %s: %s", path, result)
    return result
