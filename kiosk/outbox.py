"""The transactional outbox: every change central must learn of is written here in the
same transaction as the change itself, so nothing is ever "sent later from memory"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import utcnow
from kiosk.store.models import OutboxEvent
from protocol.api import EVENT_TYPES


def emit(
    session: Session, type_: str, payload: dict[str, Any], occurred_at: datetime | None = None
) -> OutboxEvent:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown outbox event type {type_!r}")
    event = OutboxEvent(type=type_, payload=payload, occurred_at=occurred_at or utcnow())
    session.add(event)
    return event


def counts(session: Session) -> tuple[int, int]:
    """(pending, rejected): what still waits for central, and what central refused."""
    rows = session.execute(
        select(OutboxEvent.state, func.count())
        .where(OutboxEvent.state.in_(("pending", "rejected")))
        .group_by(OutboxEvent.state)
    ).all()
    by_state = {state: int(n) for state, n in rows}
    return by_state.get("pending", 0), by_state.get("rejected", 0)
