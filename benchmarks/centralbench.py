"""The real central (``central.embedded``) on 127.0.0.1 for the sync figures, in its own
process, seeded with the demo district and, on request, a long change feed to pull."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from benchmarks.datagen import CHUNK
from benchmarks.harness import NotAvailable, child_env
from kiosk.clock import iso, utcnow
from kiosk.store.db import Store
from kiosk.store.models import OutboxEvent
from protocol.api import MAX_EVENTS_PER_BATCH, star_level

log = logging.getLogger(__name__)
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class CentralProcess:
    url: str
    station_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Station-Id": self.station_id, "Authorization": f"Bearer {self.token}"}


@contextmanager
def embedded_central(
    path: Path,
    changes: int = 0,
    durable: bool = False,
    rich: bool = False,
    gifts_from: Path | None = None,
) -> Iterator[CentralProcess]:
    """A fresh central over ``path`` in a child process, with the demo station and
    ``changes`` extra volunteer changes in its feed (keys match the kiosk's volunteers).

    Unless ``durable``, central's SQLite runs with ``synchronous=OFF``: the reference
    server commits every event on its own (one fsync each, ~120 events/s on the bench
    machine), which would swamp the kiosk-side cost the sync figures are about and
    blow the suite's time budget. Both sides of a comparison get the same server."""
    try:
        import central.embedded  # noqa: F401
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from exc
    cmd = [sys.executable, "-m", "benchmarks.central_proc", str(path), str(changes)]
    proc = subprocess.Popen(
        [
            *cmd,
            "1" if durable else "0",
            "rich" if rich else "-",
            *([str(gifts_from)] if gifts_from else []),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"central process exited ({proc.wait(5)}) before it was up")
        info = json.loads(line)
        yield CentralProcess(info["url"], info["station_id"], info["token"])
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def add_volunteer_changes(db: Any, n: int) -> None:
    """``n`` volunteer changes for every station, bulk-inserted into central's feed."""
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
