"""Masking what is shown or printed, and purging what is no longer needed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from kiosk.clock import utcnow
from kiosk.store.models import OrderStatusChange, OutboxEvent, ServiceOrder

# 张*明 / 张*: one rule for the kiosk and central (protocol.api is a leaf module), so a
# name reads the same on screen, on paper and in central's feed.
from protocol.api import mask_name

__all__ = ["mask_name", "mask_phone", "purge_closed_orders"]

log = logging.getLogger(__name__)

CLOSED_STATUSES = ("completed", "cancelled")


def mask_phone(phone: str) -> str:
    """138****1234; anything not a full number is masked all but its last digits."""
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)


def purge_closed_orders(session: Session, retention_days: int, now: datetime | None = None) -> int:
    """Forget residents' phone numbers and addresses on orders closed long enough ago and
    whose every outbox event has reached central. Returns how many orders were purged."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    unsent = exists().where(
        OutboxEvent.state == "pending",
        OutboxEvent.payload["order_id"].as_string() == ServiceOrder.id,
    )
    closed_long_ago = exists().where(
        OrderStatusChange.order_id == ServiceOrder.id,
        OrderStatusChange.status.in_(CLOSED_STATUSES),
        OrderStatusChange.at < cutoff,
    )
    ids = session.scalars(
        select(ServiceOrder.id).where(
            ServiceOrder.status.in_(CLOSED_STATUSES),
            ServiceOrder.purged_at.is_(None),
            closed_long_ago,
            ~unsent,
        )
    ).all()
    if ids:
        session.execute(
            update(ServiceOrder)
            .where(ServiceOrder.id.in_(ids))
            .values(phone="", address="", purged_at=now)
        )
        log.info("purged personal data of %d closed orders", len(ids))
    return len(ids)
