"""积分兑换 fallback (when the station enables it): card number, then PIN, on the keypad."""

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

CARD_MAX = 20
PIN_MAX = 8


class RedeemCardScreen(FlowPage):
    route = "redeem.card"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.card_no = ""
        self.pin = ""
        self.field = "card"
        self.checking = False
        left = QVBoxLayout()
        self.card_label = label("muted")
        self.card_box = BigButton("", role="pick")
        self.card_box.setObjectName("cardField")
        self.card_box.setCheckable(True)
        self.card_box.clicked.connect(lambda: self._focus("card"))
        self.pin_label = label("muted")
        self.pin_box = BigButton("", role="pick")
        self.pin_box.setObjectName("pinField")
        self.pin_box.setCheckable(True)
        self.pin_box.clicked.connect(lambda: self._focus("pin"))
        self.ok = BigButton("", "check", role="primary")
        self.ok.setObjectName("cardOk")
        self.ok.clicked.connect(self.submit)
        for w in (self.card_label, self.card_box, self.pin_label, self.pin_box, self.ok):
            left.addWidget(w)
        left.addStretch(1)
        self.keypad = NumericKeypad()
        self.keypad.setMaximumWidth(520)
        self.keypad.digit.connect(self.type_digit)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self.clear_field)
        self.col.addWidget(SplitPane(left, self.keypad, keypad=True), 1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.checking = False
        self.retranslate()

    def _focus(self, field: str) -> None:
        self.field = field
        self._refresh()

    def type_digit(self, d: str) -> None:
        self.clear_error()
        if self.field == "card" and len(self.card_no) < CARD_MAX:
            self.card_no += d
        elif self.field == "pin" and len(self.pin) < PIN_MAX:
            self.pin += d
        self._refresh()

    def backspace(self) -> None:
        if self.field == "card":
            self.card_no = self.card_no[:-1]
        else:
            self.pin = self.pin[:-1]
        self._refresh()

    def clear_field(self) -> None:
        if self.field == "card":
            self.card_no = ""
        else:
            self.pin = ""
        self._refresh()

    def submit(self) -> None:
        if self.checking:
            return
        if self.field == "card" and self.card_no and not self.pin:
            self._focus("pin")
            return
        self.checking = True
        self.ctx.ops.run_db(
            q.identify_card,
            self.card_no,
            self.pin,
            self.ctx.config,
            on_ok=self._identified,
            on_err=self._failed,
        )

    def _identified(self, volunteer: Any) -> None:
        self.checking = False
        self.pin = ""
        self._refresh()
        self.ctx.nav.go("redeem.gifts", volunteer=volunteer, cart={})

    def _failed(self, err: BaseException) -> None:
        self.checking = False
        self.pin = ""  # a wrong PIN is typed again, never kept
        self.field = "pin"
        self.show_error(err)
        self._refresh()

    def _refresh(self) -> None:
        cursor = "▏"
        self.card_box.setText(self.card_no + (cursor if self.field == "card" else ""))
        self.pin_box.setText("●" * len(self.pin) + (cursor if self.field == "pin" else ""))
        self.card_box.setChecked(self.field == "card")
        self.pin_box.setChecked(self.field == "pin")

    def reset(self) -> None:
        self.card_no = ""
        self.pin = ""
        self.field = "card"
        self.checking = False
        self.clear_error()
        self._refresh()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Card number and PIN"))
        self.prompt.setText(self.tr("Type the number on your volunteer card, then your PIN."))
        self.card_label.setText(self.tr("Card number"))
        self.pin_label.setText(self.tr("PIN"))
        self.ok.setText(self.tr("OK"))
        self._refresh()
