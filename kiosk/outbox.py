"""The transactional outbox: every change central must learn of is written here in the
same transaction as the change itself, so nothing is ever "sent later from memory"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import utcnow
from kiosk.store import raw
from kiosk.store.commit_hooks import wrote
from kiosk.store.models import OutboxEvent, new_id
from protocol.api import EVENT_TYPES


def emit(
    session: Session, type_: str, payload: dict[str, Any], occurred_at: datetime | None = None
) -> OutboxEvent:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown outbox event type {type_!r}")
    event = OutboxEvent(type=type_, payload=payload, occurred_at=occurred_at or utcnow())
    session.add(event)
    return event


_INSERT = (
    "INSERT INTO outbox_events (id, type, occurred_at, payload, state, attempts, result) "
    "VALUES (?, ?, ?, ?, 'pending', 0, '')"
)


def emit_rows(session: Session, events: Sequence[tuple[str, dict[str, Any], datetime]]) -> None:
    """``emit`` for each (type, payload, occurred_at), in order, as one statement on the
    session's connection: for a hot path that writes several events under the write lock
    (no ORM objects are made; the sync engine is still woken when the session commits)."""
    for type_, _payload, _at in events:
        if type_ not in EVENT_TYPES:
            raise ValueError(f"unknown outbox event type {type_!r}")
    raw.dbapi(session).executemany(
        _INSERT, [(new_id(), t, raw.dt(at), raw.json_in(p)) for t, p, at in events]
    )
    wrote(session, OutboxEvent)


def counts(session: Session) -> tuple[int, int]:
    """(pending, rejected): what still waits for central, and what central refused."""
    rows = session.execute(
        select(OutboxEvent.state, func.count())
        .where(OutboxEvent.state.in_(("pending", "rejected")))
        .group_by(OutboxEvent.state)
    ).all()
    by_state = {state: int(n) for state, n in rows}
    return by_state.get("pending", 0), by_state.get("rejected", 0)
