"""志愿者签到, done: signed in, or signed out with the hours by the rule and a slip. Back to
the same activity's scan screen soon, so the next volunteer in the queue can scan."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel

from kiosk.attendance import ScanResult
from kiosk.clock import to_local
from ui import theme
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import label
from ui.widgets import BigButton

log = logging.getLogger(__name__)

NEXT_AFTER_S = 8


class AttendDoneScreen(FlowPage):
    route = "attend.done"
    # The next volunteer in the queue scans while this one's "signed in" still shows: the
    # scan was dropped without a word and they walked off believing they were signed in.
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx, back=False)
        self.result: ScanResult | None = None
        self.activity: Any = None
        self.col.addStretch(1)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("check", 110, theme.SUCCESS))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(icon)
        self.headline = label("title", name="attendHeadline")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = label("subtitle", name="attendDetails")
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(self.headline)
        self.col.addWidget(self.details)
        self.col.addStretch(1)
        self.next = BigButton("", "check", role="primary")
        self.next.setObjectName("nextVolunteer")
        self.next.clicked.connect(self._next)
        self.col.addWidget(self.next, 0, Qt.AlignmentFlag.AlignHCenter)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NEXT_AFTER_S * 1000)
        self.timer.timeout.connect(self._next)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.result = params.get("result")
        self.activity = params.get("activity")
        self.timer.start()
        self.retranslate()

    def leave(self) -> None:
        self.timer.stop()

    def _next(self) -> None:
        self.timer.stop()
        if self.ctx.nav.route == self.route:
            self.ctx.nav.go("attend.scan", activity=self.activity)

    def on_scan(self, text: str) -> None:
        # The scan screen checks it (a repeat of this volunteer's own code within a minute
        # gets "you have just signed in", not a sign-out: kiosk.attendance.DOUBLE_SCAN).
        self.timer.stop()
        self.ctx.nav.go("attend.scan", activity=self.activity)
        self.ctx.nav.deliver_scan(text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.timer.isActive():
            self._next()
        super().mousePressEvent(event)

    def reset(self) -> None:
        self.timer.stop()
        self.result = None

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Volunteer sign-in"))
        self.prompt.setText("")
        self.next.setText(self.tr("Next volunteer"))
        r = self.result
        if r is None:
            self.headline.setText("")
            self.details.setText("")
            return
        zone = self.ctx.config.timezone
        if r.action == "signed_in":
            self.headline.setText(self.tr("%1, you are signed in").replace("%1", r.volunteer_name))
            self.details.setText(
                self.tr("Signed in at %1. Scan again when you leave to sign out.").replace(
                    "%1", f"{to_local(r.signed_in_at, zone):%H:%M}"
                )
            )
            return
        out = r.signed_out_at or r.signed_in_at
        self.headline.setText(self.tr("%1, you are signed out").replace("%1", r.volunteer_name))
        self.details.setText(
            self.tr("%1–%2 · %3 h · %4 points · %5 h in all. Please take your slip.")
            .replace("%1", f"{to_local(r.signed_in_at, zone):%H:%M}")
            .replace("%2", f"{to_local(out, zone):%H:%M}")
            .replace("%3", f"{r.hours:g}")
            .replace("%4", str(r.points))
            .replace("%5", f"{r.total_hours:g}")
        )
