"""Lists for staff: gifts low on stock, and the exceptions central reported (overdrafts)."""

from __future__ import annotations

from typing import Any

from kiosk.views.staff import (
    GiftStock,
    OverdraftRow,
    low_stock,
    overdrafts,
    resolve_overdraft,
)
from ui.context import AppContext
from ui.screens.staff_base import RowList, StaffScreen, section_label
from ui.widgets import TouchScroll


class LowStockScreen(StaffScreen):
    route = "staff.low"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.hint = section_label()
        self.rows = RowList()
        self.body.addWidget(self.hint)
        self.body.addWidget(TouchScroll(self.rows), 1)
        self.gifts: list[GiftStock] = []
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        self.ctx.ops.read_db(low_stock, on_ok=self._show, on_err=self.fail)

    def _show(self, gifts: list[GiftStock]) -> None:
        self.gifts = gifts
        self.rows.clear()
        zh = self.ctx.lang == "zh_CN"
        for g in gifts:
            name = g.name if zh or not g.name_en else g.name_en
            text = (
                self.tr("%1 — %2 left (reorder at %3)")
                .replace("%1", name)
                .replace("%2", str(g.level))
                .replace("%3", str(g.low_at))
            )
            self.rows.add(
                text,
                self.tr("Restock"),
                lambda _=False, sku=g.sku: self.ctx.nav.go("staff.restock", sku=sku),
                name=f"low_{g.sku}",
            )
        if not gifts:
            self.rows.add(self.tr("No gift is low on stock."))

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Low stock"))
        self.hint.setText(self.tr("These gifts are at or below their reorder level."))
        if self.gifts or self.rows.rows:
            self._show(self.gifts)


class ExceptionsScreen(StaffScreen):
    route = "staff.exceptions"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.hint = section_label()
        self.rows = RowList()
        self.body.addWidget(self.hint)
        self.body.addWidget(TouchScroll(self.rows), 1)
        self.items: list[OverdraftRow] = []
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        self.ctx.ops.read_db(
            overdrafts, self.ctx.config.timezone, on_ok=self._show, on_err=self.fail
        )

    def _show(self, items: list[OverdraftRow]) -> None:
        self.items = items
        self.rows.clear()
        for o in items:
            text = (
                self.tr("%1 · %2 over by %3 points")
                .replace("%1", o.reported_local)
                .replace("%2", o.volunteer)
                .replace("%3", str(o.amount))
            )
            if o.resolved:
                self.rows.add(text + " · " + self.tr("✓ handled"))
            else:
                self.rows.add(
                    text,
                    self.tr("Mark handled"),
                    lambda _=False, rid=o.redemption_id: self._resolve(rid),
                )
        if not items:
            self.rows.add(self.tr("No exceptions. Every offline redemption was covered."))

    def _resolve(self, redemption_id: str) -> None:
        self.ctx.ops.run_db(
            resolve_overdraft,
            redemption_id,
            self.ctx.staff.id,
            on_ok=lambda _r: self.refresh(),
            on_err=self.fail,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Exceptions"))
        self.hint.setText(
            self.tr(
                "Offline redemptions that the centre found over the "
                "volunteer's balance. Talk to the volunteer, then mark handled."
            )
        )
        if self.items or self.rows.rows:
            self._show(self.items)
