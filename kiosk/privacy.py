"""Masking what is shown or printed, and purging what is no longer needed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, aliased

from kiosk.clock import utcnow
from kiosk.store.models import OrderStatusChange, OutboxEvent, PrintJob, ServiceOrder

# 张*明 / 张*: one rule for the kiosk and central (protocol.api is a leaf module), so a
# name reads the same on screen, on paper and in central's feed.
from protocol.api import mask_name

__all__ = [
    "mask_name",
    "mask_phone",
    "prune_printed_jobs",
    "prune_sent_outbox",
    "purge_closed_orders",
]

log = logging.getLogger(__name__)

CLOSED_STATUSES = ("completed", "cancelled")
# Rows deleted per transaction: the chore runs on the backup thread, and each batch holds
# the store's write lock, which a redemption at the screen may be waiting for.
PRUNE_BATCH = 2000
# Print jobs that did not surely print: staff see them until reprinted (as
# kiosk.print_queue.NOT_PRINTED and UNCONFIRMED).
NOT_SURELY_PRINTED = ("failed", "interrupted", "printed_unconfirmed")


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


def prune_sent_outbox(
    session: Session, retention_days: int, now: datetime | None = None, limit: int = PRUNE_BATCH
) -> int:
    """Delete up to ``limit`` outbox events central accepted more than ``retention_days``
    ago. Returns how many went.

    A sent event is done with: central has it (a resend of the same id would be a
    duplicate), staff see only pending and rejected ones, and the privacy purge asks only
    whether an order still has *pending* events. Kept forever it would hold the resident's
    phone number and address of every ``order.placed`` payload long after the purge
    forgot them from the order, and grow the store by every event of every day. Pending
    and rejected events are never pruned, nor the newest event of all: the clock check at
    start reads the newest event's time (``kiosk.health``), and SQLite numbers a new row
    after the largest ``seq`` left, so keeping it keeps ``seq`` rising."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    newest = select(func.max(OutboxEvent.seq)).scalar_subquery()
    old = (
        select(OutboxEvent.seq)
        .where(
            OutboxEvent.state == "sent",
            func.coalesce(OutboxEvent.sent_at, OutboxEvent.occurred_at) < cutoff,
            OutboxEvent.seq < newest,
        )
        .order_by(OutboxEvent.seq)
        .limit(limit)
    )
    done = cast(
        CursorResult[Any], session.execute(delete(OutboxEvent).where(OutboxEvent.seq.in_(old)))
    )
    gone = done.rowcount
    if gone:
        log.info("pruned %d sent outbox events older than %d days", gone, retention_days)
    return int(gone or 0)


def prune_printed_jobs(
    session: Session, retention_days: int, now: datetime | None = None, limit: int = PRUNE_BATCH
) -> int:
    """Delete up to ``limit`` print jobs made more than ``retention_days`` ago that staff no
    longer need. Returns how many went.

    Staff reprint from the newest jobs (``print_queue.recent_jobs``) and must see every
    job that did not surely print until it is reprinted (``print_queue.counts``). So a
    job that printed goes once old, unless it is the reprint of a job still kept as not
    printed (deleting it would show that job as not reprinted again); a job that did not
    surely print goes once old *and* reprinted by a job that printed (its reprint then
    goes at the next run). Pending and printing jobs are never pruned."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    original, copy = aliased(PrintJob), aliased(PrintJob)
    printed = PrintJob.state == "done"
    answered = exists().where(copy.reprint_of == PrintJob.id, copy.state == "done")
    answers_kept_failure = exists().where(
        original.id == PrintJob.reprint_of, original.state != "done"
    )
    old = (
        select(PrintJob.seq)
        .where(
            PrintJob.created_at < cutoff,
            (printed & ~answers_kept_failure) | (PrintJob.state.in_(NOT_SURELY_PRINTED) & answered),
        )
        .order_by(PrintJob.seq)
        .limit(limit)
    )
    done = cast(CursorResult[Any], session.execute(delete(PrintJob).where(PrintJob.seq.in_(old))))
    gone = done.rowcount
    if gone:
        log.info("pruned %d print jobs older than %d days", gone, retention_days)
    return int(gone or 0)
