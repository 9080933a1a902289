"""Events not yet synced, the sync engine's state, and "sync now"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel

from kiosk.views.staff import EventRow, unsynced
from ui.context import AppContext
from ui.screens.staff_base import RowList, StaffScreen
from ui.widgets import BigButton, TouchScroll


class SyncScreen(StaffScreen):
    route = "staff.sync"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.data: tuple[int, int, list[EventRow]] | None = None
        top = QHBoxLayout()
        self.state = QLabel()
        self.state.setObjectName("syncState")
        self.state.setWordWrap(True)
        self.sync_now = BigButton("", "sync")
        self.sync_now.setObjectName("syncNow")
        self.sync_now.clicked.connect(self._sync_now)
        top.addWidget(self.state, 1)
        top.addWidget(self.sync_now)
        self.body.addLayout(top)
        self.rows = RowList()
        self.body.addWidget(TouchScroll(self.rows), 1)
        ctx.bus.changed.connect(self._changed)
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        self.ctx.ops.read_db(
            unsynced, self.ctx.config.timezone, on_ok=self._show, on_err=self.fail, busy=False
        )

    def _changed(self, what: str) -> None:
        if what == "sync" and self.ctx.nav.current is self and self.ctx.staff is not None:
            self.refresh()

    def _sync_now(self) -> None:
        if self.ctx.sync is None:
            self.banner.show(self.tr("No server is configured: this kiosk works offline only."))
            return
        self.ctx.sync.kick()
        self.done(self.tr("Sync started. The list updates when it finishes."))

    def _show(self, data: tuple[int, int, list[EventRow]]) -> None:
        self.data = data
        self.retranslate()

    def _status_text(self) -> str:
        status = self.ctx.sync.status() if self.ctx.sync is not None else None
        if status is None:
            return self.tr("Offline only (no server configured).")
        if status.online is None:
            head = self.tr("Connecting to the centre…")
        elif status.online:
            head = self.tr("Connected to the centre.")
        else:
            head = self.tr("Cannot reach the centre.")
        if status.last_success is not None:
            from kiosk.clock import to_local

            when = to_local(status.last_success, self.ctx.config.timezone).strftime("%m-%d %H:%M")
            head += " " + self.tr("Last sync: %1.").replace("%1", when)
        if status.last_error:
            head += " " + self.ctx.msg(status.last_error)
        return head

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Sync"))
        self.sync_now.setText(self.tr("Sync now"))
        pending, rejected, events = self.data if self.data else (0, 0, [])
        counts = (
            self.tr("%1 events waiting to be sent, %2 rejected.")
            .replace("%1", str(pending))
            .replace("%2", str(rejected))
        )
        self.state.setText(self._status_text() + "\n" + counts)
        self.rows.clear()
        names = {
            "order.placed": self.tr("Service request"),
            "order.rated": self.tr("Rating"),
            "redemption.made": self.tr("Redemption"),
            "redemption.voided": self.tr("Redemption voided"),
            "stock.moved": self.tr("Stock change"),
            "attendance.signed_in": self.tr("Volunteer signed in"),
            "attendance.signed_out": self.tr("Volunteer signed out"),
            "attendance.corrected": self.tr("Hours corrected"),
        }
        for e in events:
            text = f"{e.occurred_local} · {names.get(e.type, e.type)}"
            if e.attempts:
                text += " · " + self.tr("%1 tries").replace("%1", str(e.attempts))
            if e.result:
                said = self.ctx.msg(e.result_key) if e.result_key else e.result
                text += " · " + self.tr("centre says: %1").replace("%1", said)
            self.rows.add(text)
        if self.data is not None and not events:
            self.rows.add(self.tr("Everything is synced."))
