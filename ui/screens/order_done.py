"""点单 done: the ticket number, large; a QR to follow the order; printed or queued.

Back home after 30 seconds, or at once on a tap anywhere.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk.views import orders as q
from ui import theme
from ui.context import AppContext
from ui.screens._done_page import DoneMixin
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, label
from ui.widgets import QrLabel

log = logging.getLogger(__name__)


class OrderDoneScreen(DoneMixin, FlowPage):
    route = "order.done"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx, back=False)
        self.col.setSpacing(8)
        self.placed: q.PlacedOrder | None = None
        # Both columns set their own spacing: a nested layout takes the split's 32 px, and
        # the QR column was 9 px too tall for 1280x800 (a scroll bar showed).
        left = QVBoxLayout()
        left.setSpacing(12)
        self.ticket = label("huge", wrap=False, name="ticketNumber")
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.next_steps = label("", name="nextSteps")
        print_row = QHBoxLayout()
        self.print_icon = QLabel()
        self.print_label = label("", name="printState")
        self.print_label.setStyleSheet("font-weight: bold;")
        print_row.addWidget(self.print_icon)
        print_row.addWidget(self.print_label, 1)
        for w in (self.ticket, self.next_steps):
            left.addWidget(w)
        left.addLayout(print_row)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.qr = QrLabel("", size=260)
        self.qr.setObjectName("orderQr")
        self.qr_caption = label("muted")
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption.setObjectName("qrCaption")
        right.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        # No alignment flag (and no fixed width) for the caption: a box layout gives an
        # aligned item its sizeHint height, not the height its wrapped lines need, and the
        # caption was cut top and bottom. It takes the column's width, centred text.
        right.addWidget(self.qr_caption)
        right.addStretch(1)
        self.col.addWidget(SplitPane(left, right), 1)
        self._setup_done(ctx)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        placed = params.get("placed")
        if placed is None:
            return
        self.placed = placed
        self.qr.set_payload(placed.qr_payload)
        self._start_done(placed.print_job_id)
        self.retranslate()

    def _shown(self) -> Any:
        return self.placed

    def reset(self) -> None:
        self._stop_done()
        self.placed = None
        self.qr.set_payload("")
        self.retranslate()

    def _countdown_text(self) -> None:
        self.countdown.setText(
            self.tr("Back to the start in %n second(s).", "", self.left_s) if self.placed else ""
        )

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Your request has been sent"))
        self.prompt.setText(self.tr("Thank you. Please keep your ticket number."))
        self.show_prompt(not self.ctx.large_text)  # large text: room for number and QR
        self.ticket.setText(self.placed.ticket_no if self.placed else "")
        phone = self.placed.masked_phone if self.placed else ""
        self.next_steps.setText(
            self.tr("We will call %1 soon to arrange the service.").replace("%1", phone)
        )
        self.qr_caption.setText(
            self.tr("The same code is on your receipt: scan it here later to see the progress.")
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
        self.done.setText(self.tr("Done"))
        self._countdown_text()
