"""进度查询: scan the receipt's QR, or type the ticket number and the phone's last four digits."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from ui.context import AppContext
from ui.screens import _flow_queries as q
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, label
from ui.widgets import BigButton, NumericKeypad

log = logging.getLogger(__name__)

TICKET_DIGITS = 7  # MMDD + a three-digit sequence: A1123-007
LAST4 = 4


class TrackLookupScreen(FlowPage):
    route = "track.lookup"
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ticket = ""
        self.last4 = ""
        self.field = "ticket"
        self.looking = False
        left = QVBoxLayout()
        self.ticket_box = BigButton("", role="pick")
        self.ticket_box.setObjectName("ticketField")
        self.ticket_box.setCheckable(True)
        self.ticket_box.clicked.connect(lambda: self._focus("ticket"))
        self.last4_box = BigButton("", role="pick")
        self.last4_box.setObjectName("last4Field")
        self.last4_box.setCheckable(True)
        self.last4_box.clicked.connect(lambda: self._focus("last4"))
        self.ticket_label = label("muted")
        self.last4_label = label("muted")
        for w in (self.ticket_label, self.ticket_box, self.last4_label, self.last4_box):
            left.addWidget(w)
        self.find = BigButton("", "track", role="primary")
        self.find.setObjectName("findButton")
        self.find.clicked.connect(self.submit)
        left.addWidget(self.find)
        left.addStretch(1)
        self.keypad = NumericKeypad()
        self.keypad.setMaximumWidth(520)
        self.keypad.digit.connect(self.type_digit)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self.clear_field)
        self.col.addWidget(SplitPane(left, self.keypad, keypad=True), 1)
        self.retranslate()

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
    def _focus(self, field: str) -> None:
        self.field = field
        self._refresh()

    def type_digit(self, d: str) -> None:
        self.clear_error()
        if self.field == "ticket":
            if len(self.ticket) < TICKET_DIGITS:
                self.ticket += d
            if len(self.ticket) == TICKET_DIGITS:
                self.field = "last4"
        elif len(self.last4) < LAST4:
            self.last4 += d
        self._refresh()

    def backspace(self) -> None:
        if self.field == "last4" and not self.last4:
            self.field = "ticket"
        if self.field == "ticket":
            self.ticket = self.ticket[:-1]
        else:
            self.last4 = self.last4[:-1]
        self._refresh()

    def clear_field(self) -> None:
        if self.field == "ticket":
            self.ticket = ""
        else:
            self.last4 = ""
        self._refresh()

    def ticket_text(self) -> str:
        prefix = self.ctx.config.ticket_prefix.upper()
        digits = self.ticket
        return f"{prefix}{digits[:4]}-{digits[4:]}" if len(digits) > 4 else f"{prefix}{digits}"

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

    def _refresh(self) -> None:
        self.ticket_box.setText(self.ticket_text() + ("▏" if self.field == "ticket" else ""))
        self.last4_box.setText((self.last4 or "") + ("▏" if self.field == "last4" else ""))
        self.ticket_box.setChecked(self.field == "ticket")
        self.last4_box.setChecked(self.field == "last4")

    def reset(self) -> None:
        self.ticket = ""
        self.last4 = ""
        self.field = "ticket"
        self.looking = False
        self.clear_error()
        self._refresh()

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
        self._refresh()
