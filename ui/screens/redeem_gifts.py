"""积分兑换: who you are (masked), your balance, and the gifts you can take."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.volunteers import VolunteerView
from ui.context import AppContext
from ui.screens import _flow_queries as q
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import TileGrid, card, fit_chips, label, scroll
from ui.screens._gift_tile import GiftTile, gift_picture, star_text
from ui.widgets import BigButton, ChipGroup

log = logging.getLogger(__name__)

ALL = "__all__"


class RedeemGiftsScreen(FlowPage):
    route = "redeem.gifts"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.col.setSpacing(8)  # the shelf needs every row it can get
        self.volunteer: VolunteerView | None = None
        self.cart: dict[str, int] = {}
        self.shelf: q.GiftShelf | None = None
        self._asked = 0
        who = card()
        row = QHBoxLayout(who)
        row.setContentsMargins(24, 6, 24, 6)
        self.name = label("", wrap=False, name="volunteerName")
        self.name.setStyleSheet("font-weight: bold;")
        self.stars = label("", wrap=False, name="volunteerStars")
        self.hours = label("", wrap=False, name="volunteerHours")
        self.balance = label("", wrap=False, name="volunteerBalance")
        self.balance.setStyleSheet("font-weight: bold;")
        for w in (self.name, self.stars, self.hours):
            row.addWidget(w)
            row.addSpacing(24)
        row.addStretch(1)
        row.addWidget(self.balance)
        self.col.addWidget(who)
        self.filter = ChipGroup([], multi=False)
        self.filter.setObjectName("giftFilter")
        self.filter.changed.connect(self._filter_changed)
        self.col.addWidget(self.filter)
        self.grid = TileGrid()
        self.col.addWidget(scroll(self.grid), 1)
        bar = QHBoxLayout()
        self.cart_label = label("", name="cartSummary")
        self.cart_label.setStyleSheet("font-weight: bold;")
        self.to_cart = BigButton("", "redeem", role="primary")
        self.to_cart.setObjectName("toCart")
        self.to_cart.clicked.connect(self._to_cart)
        self.offline = label("muted", name="offlineNote")
        summary = QVBoxLayout()  # the offline note under the cart line: no extra row
        summary.setSpacing(0)
        summary.addWidget(self.cart_label)
        summary.addWidget(self.offline)
        bar.addLayout(summary, 1)
        bar.addWidget(self.to_cart)
        self.col.addLayout(bar)
        self.tiles: dict[str, GiftTile] = {}
        ctx.bus.changed.connect(self._on_changed)
        self._fit_tiles()
        self.retranslate()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.prompt.setVisible(self.window().height() > 1000)  # short screen: room for gifts

    def _fit_tiles(self) -> None:
        """Wider tiles (fewer columns) when the text is large."""
        self.grid.min_width = 480 if self.ctx.large_text else 380
        self.grid.relayout()

    def _on_changed(self, what: str) -> None:
        if what == "large_text":
            self._fit_tiles()
        elif what == "stock" and self.volunteer is not None and self.isVisible():
            self.load()

    def enter(self, **params: Any) -> None:
        if "volunteer" in params:
            self.volunteer = params["volunteer"]
        if "cart" in params:
            self.cart = dict(params["cart"])
        self.clear_error()
        self.load()

    def load(self, busy: bool = True) -> None:
        """Ask again; only the newest answer is shown (taps may overtake each other)."""
        if self.volunteer is None:
            return
        self._asked += 1
        asked = self._asked
        self.ctx.ops.run_db(
            q.shelf,
            self.volunteer.id,
            dict(self.cart),
            self.ctx.config,
            on_ok=lambda result: self._show(result) if asked == self._asked else None,
            on_err=self.show_error,
            busy=busy,
        )

    def _show(self, shelf: q.GiftShelf) -> None:
        first = self.shelf is None
        self.shelf = shelf
        self.volunteer = shelf.volunteer
        if first or not self.filter.buttons:
            items = [(ALL, "")] + [(c["code"], "") for c in shelf.categories]
            self.filter.set_items(items)
            self.filter.set_selected([ALL])
        self._build_tiles()
        self.retranslate()

    def _build_tiles(self) -> None:
        if self.shelf is None:
            self.grid.set_tiles([])
            self.tiles = {}
            return
        chosen = (self.filter.selected() or [ALL])[0]
        shown = [g for g in self.shelf.gifts if chosen in (ALL, g.category)]
        if [g.sku for g in shown] == list(self.tiles):
            return  # same gifts: only their texts change (no flicker, scroll kept)
        self.tiles = {}
        for g in shown:
            tile = GiftTile(g.sku)
            tile.add.connect(self.add)
            self.tiles[g.sku] = tile
        self.grid.set_tiles(list(self.tiles.values()))

    def _filter_changed(self) -> None:
        if self.shelf is not None:
            self._build_tiles()
            self._tile_texts()

    def add(self, sku: str) -> None:
        gift = self._gift(sku)
        if gift is None or not gift.available:
            return
        self.cart[sku] = self.cart.get(sku, 0) + 1
        self.load(busy=False)

    def _offline(self) -> bool:
        """Redemptions go offline (bounded) when there is no authoriser or sync is down."""
        if getattr(self.ctx, "authoriser", None) is None or self.ctx.sync is None:
            return True
        return self.ctx.sync.status().online is False

    def _gift(self, sku: str) -> Any:
        if self.shelf is None:
            return None
        return next((g for g in self.shelf.gifts if g.sku == sku), None)

    def _to_cart(self) -> None:
        if self.volunteer is not None and self.cart:
            self.ctx.nav.go("redeem.cart", volunteer=self.volunteer, cart=dict(self.cart))

    def reset(self) -> None:
        self.volunteer = None
        self.cart = {}
        self.shelf = None
        self.filter.set_items([])
        self.grid.set_tiles([])
        self.tiles = {}
        self.clear_error()
        self.retranslate()

    def _tile_texts(self) -> None:
        if self.shelf is None:
            return
        for g in self.shelf.gifts:
            tile = self.tiles.get(g.sku)
            if tile is None:
                continue
            tile.name.setText(self.pick(g.name, g.name_en))
            tile.points.setText(self.tr("%n point(s)", "", g.points))
            stock = self.tr("In stock: %1").replace("%1", str(g.stock))
            if g.limit:
                stock += "\n" + self.tr("Limit %1 per person a day").replace("%1", str(g.limit))
            tile.reason.setText(self.ctx.msg(g.reason_key) if g.reason_key else "")
            tile.reason.setVisible(bool(g.reason_key))
            tile.set_picture(gift_picture(g.image_path), greyed=not g.available)
            tile.button.setEnabled(g.available)
            tile.button.setText(self.tr("Add"))
            if g.in_cart:
                stock += "\n" + self.tr("Chosen: %1").replace("%1", str(g.in_cart))
            tile.stock.setText(stock)

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Choose your gifts"))
        self.prompt.setText(
            self.tr(
                "Tap Add under a gift. Grey gifts cannot be chosen now; "
                "the reason is written on them."
            )
        )
        v = self.volunteer
        self.name.setText(v.masked_name if v else "")
        self.stars.setText(
            f"{star_text(v.star_level)} " + self.tr("%n-star volunteer", "", v.star_level)
            if v
            else ""
        )
        self.hours.setText(
            self.tr("%1 hours of service").replace("%1", f"{v.total_hours:g}") if v else ""
        )
        self.balance.setText(self.tr("Points: %1").replace("%1", str(v.balance)) if v else "")
        offline = v is not None and self._offline()
        self.offline.setVisible(offline)
        self.offline.setText(
            self.tr("The centre cannot be reached: up to %1 points can be redeemed now.").replace(
                "%1", str(min(v.offline_left, v.balance))
            )
            if v is not None and offline
            else ""
        )
        if self.shelf is not None:
            labels = {ALL: self.tr("All")}
            labels.update(
                {
                    c["code"]: self.pick(c["name"], c.get("name_en", ""))
                    for c in self.shelf.categories
                }
            )
            self.filter.set_labels(labels)
            fit_chips(self.filter)
        self._tile_texts()
        count = sum(self.cart.values())
        total = 0
        if self.shelf is not None:
            points = {g.sku: g.points for g in self.shelf.gifts}
            total = sum(points.get(s, 0) * n for s, n in self.cart.items())
        self.cart_label.setText(
            self.tr("Chosen: %1 item(s), %2 points")
            .replace("%1", str(count))
            .replace("%2", str(total))
            if count
            else self.tr("Nothing chosen yet.")
        )
        self.to_cart.setText(self.tr("Check and redeem"))
        self.to_cart.setEnabled(count > 0)
