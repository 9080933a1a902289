"""Push: drain the outbox to central in order, in batches, trusting only per-event results.

An event leaves "pending" only because central said so for that event: accepted or
duplicate → sent, rejected → rejected (kept for staff, not retried). Anything central
did not answer for stays pending and goes again next time; central is idempotent by
event id, so a batch that went through but whose answer was lost changes nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.clock import iso, parse_iso, utcnow
from kiosk.store import raw
from kiosk.store.db import Store
from kiosk.store.models import LedgerEntry, OutboxEvent
from protocol.api import MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH
from sync.apply import update_balance
from sync.client import CentralClient
from sync.errors import RequestRejected

log = logging.getLogger(__name__)

BATCH_MAX = MAX_EVENTS_PER_BATCH
# Room for the envelope; a server that refuses a body often resets the connection while
# we are still sending, so the 413 may never reach us: stay under the limit ourselves.
BODY_BUDGET = MAX_BODY_BYTES - 4096
# Bounds one cycle: 200 batches of 500 is far more than a station makes in a day.
MAX_BATCHES = 200


def _wire(event: OutboxEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": iso(event.occurred_at),
        "payload": event.payload,
    }


# The drain runs on the driver, not the ORM: on the aged store loading 500 outbox rows as
# objects and flushing 500 dirty ones cost ~50 ms of Python per batch (~0.1 ms per event,
# most of the kiosk's own cost in figure 5) against a few ms for the same statements.
_PENDING = (
    "SELECT id, type, occurred_at, payload FROM outbox_events"
    " WHERE state = 'pending' ORDER BY seq LIMIT ?"
)


def next_batch(store: Store, size: int) -> list[dict[str, Any]]:
    with store.read() as session:
        rows = raw.dbapi(session).execute(_PENDING, (size,)).fetchall()
    return [
        {
            "id": event_id,
            "type": type_,
            # Through the column's own converters, so the wire text is what _wire gives.
            "occurred_at": iso(cast(datetime, raw.dt_out(occurred_at))),
            "payload": raw.json_out(payload),
        }
        for event_id, type_, occurred_at, payload in rows
    ]


def fit_batch(batch: list[dict[str, Any]], budget: int = BODY_BUDGET) -> tuple[list, list[str]]:
    """The longest prefix of ``batch`` whose JSON stays within ``budget`` bytes, skipping
    events that could never fit on their own (returned as the second list, by id)."""
    fitted: list[dict[str, Any]] = []
    oversized: list[str] = []
    used = 0
    for event in batch:
        # The same encoding requests uses for json=: ASCII-escaped.
        size = len(json.dumps(event).encode()) + 2
        if size > budget:
            oversized.append(event["id"])
            continue
        if used + size > budget:
            break
        fitted.append(event)
        used += size
    return fitted, oversized


def _take_balance(session: Session, type_: str, payload: Any, balance: dict[str, Any]) -> None:
    """Central's balance after applying an event. For a redemption it already counts the
    debit, so the local ledger entry is confirmed (no longer added on top) in the same
    transaction that takes the balance."""
    if type_ == "redemption.made":
        redemption_id = raw.json_out(payload).get("redemption_id")
        session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.redemption_id == redemption_id, LedgerEntry.delta < 0)
            .values(confirmed=True)
        )
    update_balance(
        session, str(balance["volunteer_id"]), int(balance["balance"]), parse_iso(balance["as_of"])
    )


def record_results(session: Session, ids: list[str], results: list[dict[str, Any]]) -> int:
    """Apply central's per-event results in the caller's transaction; return how many
    events left the pending state."""
    conn = raw.dbapi(session)
    marks = ",".join("?" * len(ids))
    rows: dict[str, list[Any]] = {
        event_id: [state, type_, payload]
        for event_id, state, type_, payload in conn.execute(
            f"SELECT id, state, type, payload FROM outbox_events WHERE id IN ({marks})", ids
        )
    }
    conn.execute(f"UPDATE outbox_events SET attempts = attempts + 1 WHERE id IN ({marks})", ids)
    now = raw.dt(utcnow())
    settled: list[tuple[str, str, str | None, str]] = []
    for res in results:
        row = rows.get(res["id"])
        if row is None or row[0] != "pending":
            continue  # already settled by an earlier answer: keep the first word
        if res["status"] == "rejected":
            row[0], result = "rejected", (res.get("reason") or "rejected")[:200]
            settled.append(("rejected", result, None, res["id"]))
            log.warning("central rejected event %s (%s): %s", res["id"], row[1], result)
        else:
            row[0] = "sent"
            settled.append(("sent", res["status"], now, res["id"]))
            if res.get("balance"):
                _take_balance(session, row[1], row[2], res["balance"])
    conn.executemany(
        "UPDATE outbox_events SET state = ?, result = ?, sent_at = COALESCE(?, sent_at)"
        " WHERE id = ?",
        settled,
    )
    return len(settled)


def _reject_oversized(store: Store, event_id: str) -> None:
    # One event alone is too large for central: it can never go, so park it for staff
    # rather than block every event behind it.
    with store.begin() as session:
        row = session.scalar(select(OutboxEvent).where(OutboxEvent.id == event_id))
        if row is not None and row.state == "pending":
            row.state, row.result = "rejected", "too large to send to central"
    log.error("event %s is too large for central; parked as rejected", event_id)


def push_pending(store: Store, client: CentralClient, batch_size: int = BATCH_MAX) -> int:
    """Push until the outbox is empty or central stops settling events; return how many
    were settled. Raises ``SyncError`` on any failure (what was settled stays settled)."""
    size, settled = max(1, min(batch_size, BATCH_MAX)), 0
    for _ in range(MAX_BATCHES):
        batch, oversized = fit_batch(next_batch(store, size))
        for event_id in oversized:
            _reject_oversized(store, event_id)
        if not batch:
            if oversized:
                continue
            break
        try:
            results = client.push_events(batch)
        except RequestRejected as exc:
            if exc.status != 413:
                raise
            if len(batch) == 1:
                _reject_oversized(store, batch[0]["id"])
                continue
            size = max(1, len(batch) // 2)
            continue
        ids = [e["id"] for e in batch]
        with store.begin() as session:
            done = record_results(session, ids, results)
        settled += done
        if done == 0:
            log.warning("central settled none of %d events; will retry later", len(batch))
            break
    return settled
