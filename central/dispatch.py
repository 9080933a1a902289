"""The dispatcher's steps on an order: 派单 assign, 接单 accept, 服务中 start, 已完成
complete, cancel. Each step publishes an "order_status" change for the order's station."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from central import feed
from central.clock import iso, utcnow
from central.db import Database
from central.errors import Conflict, NotFound
from central.models import Order

log = logging.getLogger(__name__)

# CLI verb → status. A step may skip ahead (a team can accept without being assigned)
# but never go back; cancel is allowed until the order is completed.
STEPS = {
    "assign": "assigned",
    "accept": "accepted",
    "start": "in_service",
    "complete": "completed",
    "cancel": "cancelled",
}
RANK = {"submitted": 0, "assigned": 1, "accepted": 2, "in_service": 3, "completed": 4}
FINAL = ("completed", "cancelled")


@dataclass(frozen=True)
class StatusChange:
    order_id: str
    ticket_no: str
    station_id: str
    status: str
    team: str
    volunteer_name: str


def set_status(
    db: Database,
    order_id: str,
    status: str,
    team: str | None = None,
    volunteer_name: str | None = None,
) -> StatusChange:
    """Move an order to ``status`` (one of protocol.api.ORDER_STATUSES)."""
    with db.write() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(f"unknown order {order_id}")
        _check_transition(order.status, status)
        now = utcnow()
        order.status, order.updated_at = status, now
        if team is not None:
            order.team = team
        if volunteer_name is not None:
            order.volunteer_name = volunteer_name
        data = {
            "order_id": order.id,
            "status": status,
            "at": iso(now),
            "team": order.team,
            "volunteer_name": order.volunteer_name,
        }
        key = f"{order.id}:{status}"
        feed.publish(db, session, "order_status", key, data, order.station_id)
        change = StatusChange(
            order.id, order.ticket_no, order.station_id, status, order.team, order.volunteer_name
        )
    log.info("order %s (%s) → %s", order_id, change.ticket_no, status)
    return change


def _check_transition(current: str, new: str) -> None:
    if new not in RANK and new != "cancelled":
        raise Conflict(f"unknown status {new!r}")
    if current in FINAL:
        raise Conflict(f"order is already {current}")
    if new != "cancelled" and RANK[new] <= RANK.get(current, 0):
        raise Conflict(f"cannot go from {current} to {new}")
