"""Restock and stock correction: choose a gift (scan its barcode or tap it), a quantity on
the keypad and a reason, then confirm. Each change is a stock movement with the staff id."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QBoxLayout, QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.views.staff import (
    GiftStock,
    apply_correction,
    apply_restock,
    gift_by_barcode,
    gift_stock,
)
from ui.context import AppContext
from ui.screens.staff_base import StaffScreen
from ui.widgets import BigButton, NumericKeypad, PickerGrid, TouchScroll
from ui.widgets.steady import SteadyLabel

log = logging.getLogger(__name__)

MAX_DIGITS = 5
# Reasons are stored (and printed on the restock slip) in Chinese: the station's records.
RESTOCK_REASONS = {"delivery": "到货", "donation": "捐赠", "transfer": "调入", "other": "其他"}
CORRECT_REASONS = {"broken": "破损", "expired": "过期", "count": "盘点差异", "other": "其他"}


class StockEditScreen(StaffScreen):
    """Shared by restock and correction; ``correction`` adds the +/− choice."""

    accepts_scans = True
    correction = False
    reasons: dict[str, str] = RESTOCK_REASONS

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.gifts: dict[str, GiftStock] = {}
        self.chosen: GiftStock | None = None
        self.qty = ""
        self.saving = False  # a change is on its way to the store
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(24)
        self.body.addLayout(self.split, 1)
        left = QVBoxLayout()
        # The gift column's heading: what to do, then the chosen gift. Its height never
        # changes (SteadyLabel), and the form beside it holds only what is tapped, so
        # picking a gift moves nothing under the next finger (a chip moved 41 px before).
        self.heading = SteadyLabel(lines=2)
        self.heading.setObjectName("chosenGift")
        self.heading.setProperty("kind", "subtitle")
        self.grid = PickerGrid(columns=2, wrap=True)
        self.grid.setObjectName("giftPicker")
        self.grid.picked.connect(self._picked)
        left.addWidget(self.heading)
        left.addWidget(TouchScroll(self.grid), 1)
        # The keypad keeps its width (its keys' minimum at 1280 px); the form gets the larger
        # share of the rest, so the reasons take two columns at 1280 px even in large
        # English ("New delivery" in one column of four pushed Save below the fold).
        self.split.addLayout(left, 4)
        self.split.addWidget(self._qty_panel(), 3)
        self.split.addWidget(self._form(), 5)

    def _qty_panel(self) -> QWidget:
        panel = QWidget()
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(12)
        self.qty_label = QLabel()
        self.qty_label.setObjectName("qtyDisplay")
        self.qty_label.setProperty("kind", "display")
        self.keypad = NumericKeypad()
        self.keypad.digit.connect(self._digit)
        self.keypad.backspace.connect(lambda: self._set_qty(self.qty[:-1]))
        self.keypad.clear.connect(lambda: self._set_qty(""))
        col.addWidget(self.qty_label)
        col.addWidget(self.keypad)
        col.addStretch(1)
        return panel

    def _form(self) -> QWidget:
        panel = QFrame()
        panel.setProperty("kind", "card")
        col = QVBoxLayout(panel)
        col.setContentsMargins(16, 16, 16, 16)
        col.setSpacing(12)
        self.sign = PickerGrid(columns=2, wrap=True)
        self.sign.setObjectName("deltaSign")
        self.sign.setVisible(self.correction)
        self.reason_hint = QLabel()
        self.reason_hint.setProperty("kind", "muted")
        self.reason = PickerGrid(columns=2, wrap=True)
        self.reason.setObjectName("reasons")
        self.confirm = BigButton("", "check")
        self.confirm.setObjectName("stockConfirm")
        self.confirm.clicked.connect(self._confirm)
        for w in (self.sign, self.reason_hint, self.reason):
            col.addWidget(w)
        col.addStretch(1)
        col.addWidget(self.confirm)
        return panel

    # -- flow --------------------------------------------------------------------------
    def refresh(self, **params: Any) -> None:
        self.reset_form()
        self.ctx.ops.read_db(
            gift_stock, on_ok=lambda g: self._show_gifts(g, params.get("sku")), on_err=self.fail
        )

    def _show_gifts(self, gifts: list[GiftStock], sku: str | None = None) -> None:
        self.gifts = {g.sku: g for g in gifts}
        self._fill_grid()
        if sku:
            self._picked(sku)

    def _name(self, g: GiftStock) -> str:
        return g.name if self.ctx.lang == "zh_CN" or not g.name_en else g.name_en

    def _fill_grid(self) -> None:
        left = QCoreApplication.translate("StockEditScreen", "%1 left")
        items = [
            (g.sku, f"{self._name(g)}\n{left.replace('%1', str(g.level))}")
            for g in self.gifts.values()
        ]
        self.grid.set_items(items)
        if self.chosen is not None:
            self.grid.set_value(self.chosen.sku)

    def on_scan(self, text: str) -> None:
        self.ctx.ops.read_db(gift_by_barcode, text, on_ok=self._scanned, on_err=self.fail)

    def _scanned(self, gift: GiftStock) -> None:
        self.gifts[gift.sku] = gift
        self._picked(gift.sku)

    def _picked(self, sku: str) -> None:
        self.chosen = self.gifts.get(sku)
        self.grid.set_value(sku)
        self.banner.hide()
        self.notice.clear()
        self._update()

    def _digit(self, d: str) -> None:
        if len(self.qty) < MAX_DIGITS and (self.qty or d != "0"):
            self._set_qty(self.qty + d)

    def _set_qty(self, qty: str) -> None:
        self.qty = qty
        self._update()

    def _delta(self) -> int:
        n = int(self.qty or 0)
        return -n if self.correction and self.sign.value() == "minus" else n

    def _update(self) -> None:
        g = self.chosen
        hint = QCoreApplication.translate(
            "StockEditScreen", "Scan the gift's barcode, or tap the gift."
        )
        self.heading.set_reserve([hint])
        if g is None:
            self.heading.set_parts(hint)
        else:
            # "%1 · now %2": a long name is shortened, the stock level never is
            shown = QCoreApplication.translate("StockEditScreen", "%1 · now %2")
            head, _, tail = shown.replace("%2", str(g.level)).partition("%1")
            self.heading.set_parts(head + self._name(g), tail)
        self.qty_label.setText(
            f"{self._delta():+d}"
            if self.qty
            else QCoreApplication.translate("StockEditScreen", "Quantity")
        )
        ready = g is not None and bool(self.qty) and self.reason.value() is not None
        if self.correction:
            ready = ready and self.sign.value() is not None
        # Off while a save is on its way: a gift scanned meanwhile must not be saved with
        # the last one's quantity and reason by a second tap.
        self.confirm.setEnabled(ready and not self.saving)

    def _confirm(self) -> None:
        if self.chosen is None or not self.qty or self.reason.value() is None:
            return
        staff_id = self.ctx.staff.id
        reason = self.reasons[self.reason.value()]
        fn = apply_correction if self.correction else apply_restock
        sku, delta = self.chosen.sku, self._delta()
        self.saving = True
        self.confirm.setEnabled(False)  # one change per tap: enabled again by _update
        self.ctx.ops.run_db(
            fn,
            staff_id,
            sku,
            delta,
            reason,
            on_ok=lambda level: self._applied(sku, delta, level),
            on_err=self._failed,
        )

    def _failed(self, err: BaseException) -> None:
        self.saving = False
        self.fail(err)
        self._update()

    def _applied(self, sku: str, delta: int, level: int) -> None:
        self.saving = False
        old = self.gifts[sku]
        self.gifts[sku] = GiftStock(old.sku, old.name, old.name_en, old.barcode, level, old.low_at)
        self.ctx.bus.changed.emit("stock")
        name = self._name(old)
        self.done(
            QCoreApplication.translate("StockEditScreen", "Saved: %1 %2, now %3")
            .replace("%1", name)
            .replace("%2", f"{delta:+d}")
            .replace("%3", str(level))
        )
        # The quantity and reason were this save's; a gift scanned while it was on its way
        # stays chosen for the next one.
        if self.chosen is not None and self.chosen.sku == sku:
            self.chosen = None
        self.qty = ""
        self.reason.clear()
        self.sign.clear()
        self._fill_grid()
        if self.chosen is None:
            self.grid.clear()
        self._update()

    def reset_form(self) -> None:
        self.saving = False
        self.chosen = None
        self.qty = ""
        self.grid.clear()
        self.reason.clear()
        self.sign.clear()
        self._update()

    def reset(self) -> None:
        self.reset_form()
        self.banner.hide()
        self.notice.clear()

    def resizeEvent(self, event: Any) -> None:
        portrait = event.size().height() > event.size().width()
        self.grid.set_columns(3 if portrait or event.size().width() > 1600 else 2)
        self.split.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    def retranslate_form(self) -> None:
        super().retranslate()
        self.confirm.setText(QCoreApplication.translate("StockEditScreen", "Save"))
        self.reason_hint.setText(QCoreApplication.translate("StockEditScreen", "Reason"))
        if self.gifts:
            self._fill_grid()
        self._update()


class RestockScreen(StockEditScreen):
    route = "staff.restock"
    reasons = RESTOCK_REASONS

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.reason.set_items(list(self.reasons))
        self.reason.picked.connect(lambda _k: self._update())
        self.retranslate()

    def retranslate(self) -> None:
        self.retranslate_form()
        self.title.setText(self.tr("Restock"))
        self.reason.set_labels(
            {
                "delivery": self.tr("New delivery"),
                "donation": self.tr("Donation"),
                "transfer": self.tr("Transfer in"),
                "other": self.tr("Other"),
            }
        )


class CorrectStockScreen(StockEditScreen):
    route = "staff.correct"
    correction = True
    reasons = CORRECT_REASONS

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.reason.set_items(list(self.reasons))
        self.reason.picked.connect(lambda _k: self._update())
        self.sign.set_items(["plus", "minus"])
        self.sign.setVisible(True)
        self.sign.picked.connect(lambda _k: self._update())
        self.retranslate()

    def retranslate(self) -> None:
        self.retranslate_form()
        self.title.setText(self.tr("Correct stock"))
        self.sign.set_labels({"plus": self.tr("+ Add"), "minus": self.tr("− Take off")})
        self.reason.set_labels(
            {
                "broken": self.tr("Broken"),
                "expired": self.tr("Expired"),
                "count": self.tr("Count differs"),
                "other": self.tr("Other"),
            }
        )
