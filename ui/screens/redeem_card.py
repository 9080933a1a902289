"""积分兑换 fallback (when the station enables it): card number, then PIN, on the keypad."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from kiosk.views import redemption as q
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, label
from ui.widgets import BigButton
from ui.widgets.keypad_fields import KeyField, KeypadFields

log = logging.getLogger(__name__)

CARD_MAX = 20
PIN_MAX = 8


class RedeemCardScreen(FlowPage):
    route = "redeem.card"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.checking = False
        self.entry = KeypadFields(
            [
                KeyField("card", "cardField", CARD_MAX),
                KeyField("pin", "pinField", PIN_MAX, show=lambda pin: "●" * len(pin)),
            ],
            self,
        )
        self.entry.typed.connect(self.clear_error)
        left = QVBoxLayout()
        self.card_label = label("muted")
        self.pin_label = label("muted")
        self.ok = BigButton("", "check", role="primary")
        self.ok.setObjectName("cardOk")
        self.ok.clicked.connect(self.submit)
        boxes = self.entry.boxes
        for w in (self.card_label, boxes["card"], self.pin_label, boxes["pin"], self.ok):
            left.addWidget(w)
        left.addStretch(1)
        self.col.addWidget(SplitPane(left, self.entry.keypad, keypad=True), 1)
        self.retranslate()

    @property
    def card_no(self) -> str:
        return self.entry.value("card")

    @property
    def pin(self) -> str:
        return self.entry.value("pin")

    def enter(self, **params: Any) -> None:
        self.checking = False
        self.retranslate()

    def submit(self) -> None:
        if self.checking:
            return
        if self.entry.current == "card" and self.card_no and not self.pin:
            self.entry.focus("pin")
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
        self.entry.set_value("pin", "")
        self.ctx.nav.go("redeem.gifts", volunteer=volunteer, cart={})

    def _failed(self, err: BaseException) -> None:
        self.checking = False
        self.entry.set_value("pin", "")  # a wrong PIN is typed again, never kept
        self.entry.focus("pin")
        self.show_error(err)

    def reset(self) -> None:
        self.checking = False
        self.entry.reset()
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Card number and PIN"))
        self.prompt.setText(self.tr("Type the number on your volunteer card, then your PIN."))
        self.card_label.setText(self.tr("Card number"))
        self.pin_label.setText(self.tr("PIN"))
        self.ok.setText(self.tr("OK"))
        self.entry.refresh()
