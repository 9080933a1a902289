"""积分兑换 done: the pickup code, the points left, and whether the receipt printed."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel

from kiosk.redemption import RedemptionResult
from ui import theme
from ui.context import AppContext
from ui.screens._done_page import DoneMixin
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import label
from ui.screens._next_volunteer import NextVolunteerMixin

log = logging.getLogger(__name__)


class RedeemDoneScreen(NextVolunteerMixin, DoneMixin, FlowPage):
    route = "redeem.done"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx, back=False)
        self.col.setSpacing(8)
        self.result: RedemptionResult | None = None
        self.col.addStretch(1)
        self.code_caption = label("subtitle")
        self.code_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = label("huge", wrap=False, name="pickupCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.points = label("", name="pointsLeft")
        self.points.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode = label("muted", name="redeemMode")
        self.mode.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.code_caption, self.code, self.points, self.mode):
            self.col.addWidget(w)
        print_row = QHBoxLayout()
        print_row.addStretch(1)
        self.print_icon = QLabel()
        self.print_label = label("", wrap=True, name="printState")
        self.print_label.setStyleSheet("font-weight: bold;")
        print_row.addWidget(self.print_icon)
        print_row.addWidget(self.print_label)
        print_row.addStretch(1)
        self.col.addLayout(print_row)
        self.col.addStretch(1)
        self._setup_done(ctx)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        result = params.get("result")
        if result is None:
            return
        self.result = result
        self._start_done(result.print_job_id)
        self.retranslate()

    def _shown(self) -> Any:
        return self.result

    def reset(self) -> None:
        self._stop_done()
        self.result = None
        self.retranslate()

    def _countdown_text(self) -> None:
        self.countdown.setText(
            self.tr("Back to the start in %n second(s).", "", self.left_s) if self.result else ""
        )

    def retranslate(self) -> None:
        r = self.result
        self.header.set_title(self.tr("Redeemed. Thank you for volunteering!"))
        self.prompt.setText(self.tr("Show this pickup code to the staff to get your gifts."))
        self.show_prompt(not self.ctx.large_text)  # large text: room for the code
        self.code_caption.setText(self.tr("Pickup code"))
        self.code.setText(r.pickup_code if r else "")
        self.points.setText(
            self.tr("%1 points used, %2 points left.")
            .replace("%1", str(r.total))
            .replace("%2", str(r.balance_after))
            if r
            else ""
        )
        self.mode.setText(
            self.tr("Recorded offline; it is sent to the centre when the network is back.")
            if r and r.mode == "offline"
            else ""
        )
        texts = {
            "printing": (self.tr("Printing your receipt…"), "printer", theme.TEXT),
            "done": (self.tr("Receipt printed. Please take it."), "check", theme.SUCCESS),
            "queued": (
                self.tr("The receipt is queued. Please ask the staff to print it."),
                "printer-off",
                theme.WARNING,
            ),
        }
        text, icon, colour = texts.get(self.print_state, ("", "", theme.TEXT))
        self.print_label.setText(text)
        self.print_icon.setPixmap(theme.pixmap(icon, 44, colour) if icon else QPixmap())
        self.print_icon.setVisible(bool(icon))
        for line in (self.mode, self.print_label):
            line.setVisible(bool(line.text()))  # an empty line would still take its height
        self.done.setText(self.tr("Done"))
        self._countdown_text()
