"""点单: the phone number, on the on-screen keypad, checked as it is typed."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QVBoxLayout

from kiosk.orders import PHONE_RE, phone_prefix_ok
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, ValueDisplay, group_phone, label
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton, NumericKeypad

log = logging.getLogger(__name__)


class OrderPhoneScreen(FlowPage):
    route = "order.phone"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.form = OrderForm()
        self.digits = ""
        left = QVBoxLayout()
        self.display = ValueDisplay()
        self.display.setObjectName("phoneDisplay")
        self.hint = label("muted", name="phoneHint")
        left.addStretch(1)
        left.addWidget(self.display)
        left.addWidget(self.hint)
        self.next = BigButton("", "check", role="primary")
        self.next.setObjectName("nextButton")
        self.next.clicked.connect(self.submit)
        left.addWidget(self.next)
        left.addStretch(1)
        self.keypad = NumericKeypad()
        self.keypad.setMaximumWidth(560)
        self.keypad.digit.connect(self.type_digit)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self.clear_digits)
        self.col.addWidget(SplitPane(left, self.keypad, keypad=True), 1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "form" in params:
            self.form = params["form"]
            if self.form.phone:
                self.digits = self.form.phone
        self.retranslate()

    # -- typing ----------------------------------------------------------------------------
    def type_digit(self, d: str) -> None:
        candidate = self.digits + d
        if len(candidate) > 11:
            return
        if not phone_prefix_ok(candidate):
            self.show_error(self._prefix_message(candidate))
            return
        self.clear_error()
        self.digits = candidate
        self._refresh()

    def backspace(self) -> None:
        self.digits = self.digits[:-1]
        self.clear_error()
        self._refresh()

    def clear_digits(self) -> None:
        self.digits = ""
        self.clear_error()
        self._refresh()

    def _prefix_message(self, candidate: str) -> str:
        if candidate[0] != "1":
            return self.tr("A mobile number starts with 1.")
        return self.tr("The second digit of a mobile number is 3 to 9.")

    def submit(self) -> None:
        if not PHONE_RE.fullmatch(self.digits):
            self.show_error(self.ctx.msg("order.phone_invalid"))
            return
        form = replace(self.form, phone=self.digits)
        self.ctx.nav.go(form.next_after(self.route), form=form)

    def _refresh(self) -> None:
        self.display.show_value(group_phone(self.digits))
        left = 11 - len(self.digits)
        self.hint.setText(
            self.tr("%n more digit(s)", "", left) if left else self.tr("Complete. Tap Next.")
        )
        self.next.setEnabled(left == 0)

    def reset(self) -> None:
        self.form = OrderForm()
        self.digits = ""
        self.clear_error()
        self._refresh()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Your mobile number"))
        self.prompt.setText(
            texts.step_label(self.route, self.form.steps())
            + self.tr("We call this number about your request. Type it on the keys.")
        )
        self.display.placeholder = self.tr("11 digits")
        self.next.setText(self.tr("Next"))
        self._refresh()
