"""进度查询: scan the receipt's QR, or type the ticket number and the phone's last four digits."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, label
from ui.widgets import BigButton
from ui.widgets.keypad_fields import KeyField, KeypadFields

log = logging.getLogger(__name__)

TICKET_DIGITS = 7  # MMDD + a three-digit sequence: A1123-007
LAST4 = 4


class TrackLookupScreen(FlowPage):
    route = "track.lookup"
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.looking = False
        self.entry = KeypadFields(
            [
                KeyField("ticket", "ticketField", TICKET_DIGITS, self._ticket_shown, True),
                KeyField("last4", "last4Field", LAST4),
            ],
            self,
        )
        self.entry.typed.connect(self.clear_error)
        # Its own spacing: a nested layout takes the split's 32 px, and the page was 9 px too
        # tall for 1280x800 (a scroll bar showed and moved the keypad 48 px left).
        left = QVBoxLayout()
        left.setSpacing(12)
        self.ticket_label = label("muted")
        self.last4_label = label("muted")
        boxes = self.entry.boxes
        for w in (self.ticket_label, boxes["ticket"], self.last4_label, boxes["last4"]):
            left.addWidget(w)
        self.find = BigButton("", "track", role="primary")
        self.find.setObjectName("findButton")
        self.find.clicked.connect(self.submit)
        left.addWidget(self.find)
        left.addStretch(1)
        self.col.addWidget(SplitPane(left, self.entry.keypad, keypad=True), 1)
        self.retranslate()

    @property
    def ticket(self) -> str:
        return self.entry.value("ticket")

    @property
    def last4(self) -> str:
        return self.entry.value("last4")

    def enter(self, **params: Any) -> None:
        self.looking = False
        self.retranslate()

    # -- scanning --------------------------------------------------------------------------
    def on_scan(self, text: str) -> None:
        if self.looking:
            return
        self.looking = True
        self.clear_error()
        self.ctx.ops.read_db(
            q.lookup_qr, text, self.ctx.config.timezone, on_ok=self._found, on_err=self._failed
        )

    # -- typing ----------------------------------------------------------------------------
    def _ticket_shown(self, digits: str) -> str:
        prefix = self.ctx.config.ticket_prefix.upper()
        return f"{prefix}{digits[:4]}-{digits[4:]}" if len(digits) > 4 else f"{prefix}{digits}"

    def ticket_text(self) -> str:
        return self._ticket_shown(self.ticket)

    def submit(self) -> None:
        if self.looking:
            return
        if len(self.ticket) < 5 or len(self.last4) != LAST4:
            self.show_error(self.ctx.msg("order.lookup_invalid"))
            return
        self.looking = True
        self.clear_error()
        self.ctx.ops.read_db(
            q.lookup,
            self.ticket_text(),
            self.last4,
            self.ctx.config.timezone,
            on_ok=self._found,
            on_err=self._failed,
        )

    def _found(self, view: q.OrderStatusView) -> None:
        self.looking = False
        self.ctx.nav.go("track.status", view=view)

    def _failed(self, err: BaseException) -> None:
        self.looking = False
        self.show_error(err)

    def reset(self) -> None:
        self.looking = False
        self.entry.reset()
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Track or rate an order"))
        self.prompt.setText(
            self.tr(
                "Scan the QR code on your receipt, or type the ticket number and "
                "the last 4 digits of your phone."
            )
        )
        self.ticket_label.setText(
            self.tr("Ticket number (the digits after %1)").replace(
                "%1", self.ctx.config.ticket_prefix.upper()
            )
        )
        self.last4_label.setText(self.tr("Last 4 digits of your phone"))
        self.find.setText(self.tr("Find my order"))
        self.entry.refresh()
