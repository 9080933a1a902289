"""The real central (``central.embedded``) on 127.0.0.1 for the sync figures, seeded with
the demo district and, on request, a long change feed to pull."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select

from benchmarks.datagen import CHUNK
from kiosk.clock import iso, utcnow
from kiosk.store.db import Store
from kiosk.store.models import OutboxEvent
from sync.protocol import MAX_EVENTS_PER_BATCH, star_level

log = logging.getLogger(__name__)


@contextmanager
def embedded_central(path: Path, changes: int = 0, durable: bool = False) -> Iterator[Any]:
    """A fresh central over ``path`` with the demo station and ``changes`` extra volunteer
    changes in its feed (the keys match the generated kiosk volunteers).

    Unless ``durable``, central's SQLite runs with ``synchronous=OFF``: the reference
    server commits every event on its own (one fsync each, ~120 events/s on the bench
    machine), which would swamp the kiosk-side cost the sync figures are about and
    blow the suite's time budget. Both sides of a comparison get the same server."""
    try:
        from central.embedded import start_embedded
    except ModuleNotFoundError as exc:
        from benchmarks.harness import NotAvailable

        raise NotAvailable(f"{exc.name} has not landed") from exc
    path.unlink(missing_ok=True)
    ec = start_embedded(path, seed_demo=True)
    if not durable:
        event.listen(ec.db.engine, "connect", _no_fsync)
        ec.db.engine.dispose()  # pooled connections reopen with the listener in place
    try:
        if changes:
            add_volunteer_changes(ec.db, changes)
        yield ec
    finally:
        ec.stop()


def _no_fsync(dbapi_conn: Any, _record: object) -> None:
    dbapi_conn.execute("PRAGMA synchronous=OFF")


def add_volunteer_changes(db: Any, n: int) -> None:
    """``n`` volunteer changes for every station, bulk-inserted into the feed."""
    from central.models import ChangeRow

    now = utcnow()
    rows = [
        {
            "station_id": None,
            "kind": "volunteer",
            "key": f"BV{i:06d}",
            "data": {
                "id": f"BV{i:06d}",
                "masked_name": "王*明",
                "card_no": None,
                "pin_hash": None,
                "total_hours": float(i % 2000),
                "star_level": star_level(float(i % 2000)),
                "balance": 1000 + i % 500,
                "balance_as_of": iso(now),
                "team": "",
                "active": True,
            },
            "at": now,
        }
        for i in range(n)
    ]
    with db.engine.begin() as conn:
        for i in range(0, n, CHUNK):
            conn.execute(insert(ChangeRow.__table__), rows[i : i + CHUNK])


def pending_batches(store: Store, size: int = MAX_EVENTS_PER_BATCH) -> list[list[dict[str, Any]]]:
    """The store's pending outbox as the wire batches ``sync.push`` sends."""
    from sync.push import _wire

    with store.session() as session:
        rows = session.scalars(
            select(OutboxEvent).where(OutboxEvent.state == "pending").order_by(OutboxEvent.seq)
        ).all()
        events = [_wire(row) for row in rows]
    return [events[i : i + size] for i in range(0, len(events), size)]
