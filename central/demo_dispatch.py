"""A stand-in dispatcher for demos: moves every open order one step along
派单 → 接单 → 服务中 → 已完成 at a fixed pace, so a demo kiosk shows the whole loop
(track, then rate) without anyone typing ``kiosk-central order …``."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from central import dispatch
from central.db import Database
from central.errors import CentralError
from central.models import Order, Volunteer
from protocol.api import mask_name

log = logging.getLogger(__name__)

NEXT = {
    "submitted": "assigned",
    "assigned": "accepted",
    "accepted": "in_service",
    "in_service": "completed",
}


class DemoDispatcher:
    def __init__(self, db: Database, interval_s: float = 20.0) -> None:
        self.db = db
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step_once(self) -> int:
        """Advance every open order by one step; return how many moved."""
        with self.db.read() as session:
            open_orders = session.execute(
                select(Order.id, Order.status).where(Order.status.in_(list(NEXT)))
            ).all()
            helpers = session.execute(
                select(Volunteer.name, Volunteer.team)
                .where(Volunteer.active.is_(True))
                .order_by(Volunteer.id)
            ).all()
        moved = 0
        for n, (order_id, status) in enumerate(open_orders):
            team, name = ("", "")
            if status == "submitted" and helpers:
                helper = helpers[n % len(helpers)]
                team, name = helper.team or "志愿服务队", mask_name(helper.name)
            try:
                dispatch.set_status(
                    self.db,
                    order_id,
                    NEXT[status],
                    team=team or None,
                    volunteer_name=name or None,
                )
                moved += 1
            except CentralError as exc:  # moved meanwhile by someone else
                log.info("demo dispatcher skipped %s: %s", order_id, exc.message)
        return moved

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="demo-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.step_once()
            except Exception:  # a demo helper must never take the server down
                log.exception("demo dispatcher step failed")
