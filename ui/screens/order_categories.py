"""点单, step 1: what kind of help? A grid of category tiles with icons."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import TileGrid, scroll, tile_button
from ui.screens.order_form import OrderForm

log = logging.getLogger(__name__)


class OrderCategoriesScreen(FlowPage):
    route = "order.categories"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.items: list[q.CategoryItem] = []
        # Three columns at 1280 px where the words fit (Chinese): two scrolled the ten kinds
        # by 49 px (85 in 大字), the last row half under the fold. The grid keeps fewer
        # columns while its widest tile's words need more ("Safety and anti-fraud").
        self.grid = TileGrid(min_width=340)
        self.col.addWidget(scroll(self.grid), 1)
        ctx.bus.changed.connect(self._on_changed)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.clear_error()
        self.load()

    def load(self) -> None:
        self.ctx.ops.read_db(q.categories, on_ok=self._show, on_err=self.show_error)

    def _on_changed(self, what: str) -> None:
        if what in ("catalog", "language") and self.items:
            self._show(self.items) if what == "language" else self.load()

    def _show(self, items: list[q.CategoryItem]) -> None:
        self.items = items
        self.grid.set_tiles(
            [
                tile_button(
                    self.pick(c.name, c.name_en),
                    c.icon,
                    lambda c=c: self._choose(c),
                    name=f"category_{c.code}",
                    icon_px=72,
                )
                for c in items
            ]
        )

    def _choose(self, item: q.CategoryItem) -> None:
        self.ctx.nav.go("order.services", form=OrderForm(category=item.code), category=item)

    def reset(self) -> None:
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Request a service"))
        self.prompt.setText(self.tr("What do you need help with? Tap a picture."))
        if self.items:
            self._show(self.items)
