"""点单: everything on one card to check (phone masked), then submit."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout

from kiosk.privacy import mask_phone
from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import InfoRow, card
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton

log = logging.getLogger(__name__)

ROWS = ("service", "where", "address", "name", "phone", "time", "notes")
# large text: (row, column, columns spanned); the long ones keep a whole line
PAIRED = {
    "service": (0, 0, 1),
    "phone": (0, 1, 1),
    "where": (1, 0, 2),
    "address": (2, 0, 2),
    "name": (3, 0, 1),
    "time": (3, 1, 1),
    "notes": (4, 0, 2),
}


class OrderConfirmScreen(FlowPage):
    route = "order.confirm"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.form = OrderForm()
        self.submitting = False
        box = card()
        self.grid = QGridLayout(box)
        self.grid.setContentsMargins(32, 10, 32, 10)
        self.grid.setVerticalSpacing(0)
        self.grid.setHorizontalSpacing(32)
        self.rows = {key: InfoRow(f"summary_{key}") for key in ROWS}
        self._paired: bool | None = None
        self.col.addWidget(box)
        self.col.addStretch(1)
        buttons = QHBoxLayout()
        self.change = BigButton("", "back", role="secondary")
        self.change.setObjectName("changeButton")
        self.change.clicked.connect(ctx.nav.back)
        self.submit_button = BigButton("", "check", role="primary")
        self.submit_button.setObjectName("submitButton")
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.change, 1)
        buttons.addWidget(self.submit_button, 2)
        self.col.addLayout(buttons)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "form" in params:
            self.form = params["form"]
        self.submitting = False
        self.submit_button.setEnabled(True)
        self.clear_error()
        self.retranslate()

    def submit(self) -> None:
        if self.submitting:
            return  # a double tap must not place two orders
        self.submitting = True
        self.submit_button.setEnabled(False)
        self.clear_error()
        self.ctx.ops.run_db(
            q.place, self.form.draft(), self.ctx.config, on_ok=self._placed, on_err=self._failed
        )

    def _placed(self, placed: q.PlacedOrder) -> None:
        self.ctx.bus.changed.emit("orders")
        self.ctx.nav.go("order.done", placed=placed)

    def _failed(self, err: BaseException) -> None:
        self.submitting = False
        self.submit_button.setEnabled(True)
        self.show_error(err)

    def reset(self) -> None:
        self.form = OrderForm()
        self.submitting = False
        self.clear_error()
        self.retranslate()

    def _arrange(self, paired: bool) -> None:
        """One row per line; in large text the short ones two to a line, so Submit stays on
        a 1280x800 screen (seven rows pushed it 80 px below the fold)."""
        if paired == self._paired:
            return
        self._paired = paired
        for row in self.rows.values():
            self.grid.removeWidget(row)
        if not paired:
            for i, key in enumerate(ROWS):
                self.grid.addWidget(self.rows[key], i, 0, 1, 2)
            return
        for key, (r, c, span) in PAIRED.items():
            self.grid.addWidget(self.rows[key], r, c, 1, span)

    def retranslate(self) -> None:
        f = self.form
        self._arrange(self.ctx.large_text)
        self.header.set_title(self.tr("Please check"))
        self.prompt.setText(
            texts.step_label(self.route, self.form.steps())
            + self.tr("Is everything right? Tap Submit to send your request.")
        )
        where = (
            self.tr("A volunteer comes to your home") if f.home_visit else self.tr("At the station")
        )
        values = {
            "service": (self.tr("Service"), self.pick(f.service_name, f.service_name_en)),
            "where": (self.tr("Where"), where),
            "address": (self.tr("Address"), f.address),
            "name": (self.tr("Name"), f.honorific),
            "phone": (self.tr("Phone"), mask_phone(f.phone) if f.phone else ""),
            "time": (self.tr("Time"), texts.slot_labels().get(f.time_slot, "")),
            "notes": (
                self.tr("Notes"),
                "、".join(texts.tag_label(t, self.zh()) for t in f.notes) or self.tr("None"),
            ),
        }
        for key, (name, value) in values.items():
            self.rows[key].set(name, value)
        self.rows["address"].setVisible(f.home_visit)
        self.change.setText(self.tr("Change"))
        self.submit_button.setText(self.tr("Submit"))
