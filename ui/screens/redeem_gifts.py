"""积分兑换: who you are (masked), your balance, and the gifts you can take."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.gifts import GiftView
from kiosk.views import redemption as q
from kiosk.volunteers import VolunteerView
from ui.context import AppContext
from ui.operations import Operations
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import card, fit_chips, label
from ui.screens._gift_grid import GiftGrid
from ui.screens._gift_tile import GiftTile, star_text
from ui.screens._next_volunteer import NextVolunteerMixin
from ui.widgets import BigButton, ChipGroup

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ALL = "__all__"
SHELF_FALLBACK_MS = 100  # fetch the shelf by then even if the card never paints (hidden)


class RedeemGiftsScreen(NextVolunteerMixin, FlowPage):
    route = "redeem.gifts"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.col.setSpacing(8)  # the shelf needs every row it can get
        self.volunteer: VolunteerView | None = None
        self.cart: dict[str, int] = {}
        self.shelf: q.GiftShelf | None = None
        self._by_sku: dict[str, GiftView] = {}
        self._chosen = ALL  # the category chip the shelf shows
        self._scroll_at: dict[str, int] = {}  # where each category was left, to come back to
        self._latest = _Latest()  # which shelf fetch is the newest (read on the worker)
        self._shelf_ops: Operations | None = None
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
        self.card = who
        # The shelf is fetched once the card is painted: its worker would otherwise compete
        # with that paint for the interpreter, and the balance is what the volunteer awaits.
        self._shelf_wait = QTimer(self, singleShot=True, interval=SHELF_FALLBACK_MS)
        self._shelf_wait.timeout.connect(self.load)
        who.installEventFilter(self)
        self.filter = ChipGroup([], multi=False)
        self.filter.setObjectName("giftFilter")
        self.filter.changed.connect(self._filter_changed)
        self.col.addWidget(self.filter)
        self.grid = GiftGrid(self._bind_tile)
        self.grid.setObjectName("giftGrid")
        self.grid.add.connect(self.add)
        self.col.addWidget(self.grid, 1)
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit_card)
        self.grid.installEventFilter(self)
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
        ctx.bus.changed.connect(self._on_changed)
        self._fit_tiles()
        self.retranslate()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.show_prompt(self.window().height() > 1000)  # short screen: room for gifts
        self._fit_card()

    def compact(self) -> bool:
        """Large text on a short screen (1280x800): the shelf was ~190 px tall, less than
        one gift (issue 13 point 7), so the volunteer's card folds into the title line.
        On a narrow one (1080 portrait) the card's one line is wider than the window.
        In any text size and language, too, when the shelf beside the card would not show
        one whole gift: in English at 1280x800 the gifts' Add buttons were below it."""
        window = self.window()
        if self.ctx.large_text and (window.height() <= 1000 or window.width() < 1200):
            return True
        return self._shelf_short()

    def _shelf_short(self) -> bool:
        if not self.isVisible():
            return False  # laid out for real once shown (enter and the first resize)
        row = self.grid.row_height()
        room = self.grid.viewport().height()
        if self.card.isHidden():
            room -= self.card.sizeHint().height() + self.col.spacing()
        return 0 < room < row

    def _fit_card(self) -> None:
        compact = self.compact()
        self.card.setVisible(not compact)
        v = self.volunteer
        if compact and v is not None:
            self.header.set_title(f"{v.masked_name} · {self.balance.text()}")
        else:
            self.header.set_title(self.tr("Choose your gifts"))

    def _fit_tiles(self) -> None:
        """Wider tiles (fewer columns) when the text is large."""
        self.grid.min_width = 480 if self.ctx.large_text else 380
        self.grid.relayout()

    def _on_changed(self, what: str) -> None:
        if what == "large_text":
            self._fit_tiles()
            self._fit_card()
        elif what == "stock" and self.volunteer is not None and self.isVisible():
            self.load()

    @property
    def tiles(self) -> dict[str, GiftTile]:
        """The gift tiles that exist now, by sku: those in view (and a row either side)."""
        return self.grid.tiles

    def enter(self, **params: Any) -> None:
        if "volunteer" in params:
            self.volunteer = params["volunteer"]
        if "cart" in params:
            self.cart = dict(params["cart"])
        self.clear_error()
        # The scan already knows who this is and their balance: show it now; the shelf
        # (up to thousands of gifts) follows from the worker.
        self._volunteer_texts()
        self._cart_texts()
        if self.shelf is None:
            self.grid.set_loading(self.tr("Loading the gifts…"))  # instead of an overlay
            self._shelf_wait.start(SHELF_FALLBACK_MS)
        else:
            self.load()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.card and event.type() == QEvent.Type.Paint and self._shelf_wait.isActive():
            self._shelf_wait.start(0)  # right after this paint
        elif obj is self.grid and event.type() == QEvent.Type.Resize:
            # The shelf's height settles after the chips, texts and card are laid out.
            self._refit.start()
        return super().eventFilter(obj, event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._refit.start()

    def _lane(self) -> Operations:
        """The shelf's own worker lane: one thread, so shelf fetches never take every
        worker of the shared pool from the next volunteer's scan (back-to-back scans had two
        shelves running at once while ``identify`` queued behind them)."""
        if self._shelf_ops is None or self._shelf_ops.store is not self.ctx.store:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            self._shelf_ops = Operations(self.ctx.store, pool=pool, parent=self)
            self._shelf_ops.crashed.connect(self.ctx.ops.crashed)  # the same error screen
        return self._shelf_ops

    def load(self) -> None:
        """Ask again; only the newest answer is shown (taps may overtake each other), and a
        fetch that is no longer the newest when its turn comes is skipped. No busy overlay:
        the shelf on screen stays touchable (with its own loading text the first time)."""
        self._shelf_wait.stop()
        if self.volunteer is None:
            return
        asked = self._latest.next()
        latest = self._latest

        def shelf(s: Session, *args: Any) -> q.GiftShelf | None:
            return q.shelf(s, *args) if latest.n == asked else None

        self._lane().read_db(
            shelf,
            self.volunteer.id,
            dict(self.cart),
            self.ctx.config,
            on_ok=lambda result: self._show(result) if result and latest.n == asked else None,
            on_err=self.show_error,
            busy=False,
        )

    def _show(self, shelf: q.GiftShelf) -> None:
        first = self.shelf is None
        self.shelf = shelf
        self._by_sku = {g.sku: g for g in shelf.gifts}
        # The fresh view keeps the proof the volunteer identified with (code or card + PIN).
        proof = self.volunteer.proof if self.volunteer is not None else None
        self.volunteer = replace(shelf.volunteer, proof=proof)
        if first or not self.filter.buttons:
            items = [(ALL, "")] + [(c["code"], "") for c in shelf.categories]
            self._chosen = ALL
            self.filter.blockSignals(True)  # the shelf is shown just below, once
            self.filter.set_items(items)
            self.filter.set_selected([ALL])
            self.filter.blockSignals(False)
            self._chip_texts()
        self._volunteer_texts()
        self._cart_texts()
        self.grid.set_gifts(self._shown())

    def _shown(self) -> list[GiftView]:
        if self.shelf is None:
            return []
        if self._chosen == ALL:
            return self.shelf.gifts
        return [g for g in self.shelf.gifts if g.category == self._chosen]

    def _filter_changed(self) -> None:
        chosen = (self.filter.selected() or [ALL])[0]
        if self.shelf is None or chosen == self._chosen:
            return
        # Each category opens where it was left: back to "All" is back to the same row.
        self._scroll_at[self._chosen] = self.grid.scroll_value()
        self._chosen = chosen
        self.grid.set_gifts(self._shown(), scroll_to=self._scroll_at.get(chosen, 0))

    def add(self, sku: str) -> None:
        gift = self._gift(sku)
        if gift is None or not gift.available:
            return
        self.cart[sku] = self.cart.get(sku, 0) + 1
        self.load()

    def _offline(self) -> bool:
        """Redemptions go offline (bounded) when there is no authoriser or sync is down."""
        if self.ctx.authoriser is None or self.ctx.sync is None:
            return True
        return self.ctx.sync.status().online is False

    def _gift(self, sku: str) -> GiftView | None:
        return self._by_sku.get(sku)

    def _to_cart(self) -> None:
        if self.volunteer is not None and self.cart:
            self.ctx.nav.go("redeem.cart", volunteer=self.volunteer, cart=dict(self.cart))

    def _visitor(self) -> VolunteerView | None:
        return self.volunteer

    def reset(self) -> None:
        self._shelf_wait.stop()
        self._latest.next()  # a fetch still queued for the last volunteer is skipped
        if self._shelf_ops is not None:
            self._shelf_ops.drop_pending()
        self.volunteer = None
        self.cart = {}
        self.shelf = None
        self._by_sku = {}
        self._chosen = ALL
        self._scroll_at = {}
        self.filter.set_items([])
        self.grid.set_gifts([], scroll_to=0)  # the tile pool stays for the next volunteer
        self.clear_error()
        self.retranslate()

    def _bind_tile(self, tile: GiftTile, g: GiftView) -> None:
        """One gift's texts on a tile (the grid calls this as tiles scroll into view)."""
        tile.bind_sku(g.sku)
        tile.name.set_full_text(self.pick(g.name, g.name_en))
        _set_text(tile.points, self.tr("%n point(s)", "", g.points))
        stock = self.tr("In stock: %1").replace("%1", str(g.stock))
        if g.limit:
            stock += "\n" + self.tr("Limit %1 per person a day").replace("%1", str(g.limit))
        if g.in_cart:
            stock += "\n" + self.tr("Chosen: %1").replace("%1", str(g.in_cart))
        _set_text(tile.stock, stock)
        _set_text(tile.reason, self.ctx.msg(g.reason_key) if g.reason_key else "")
        tile.reason.setVisible(bool(g.reason_key))
        tile.set_picture(g.image_path, greyed=not g.available)
        tile.button.setEnabled(g.available)
        _set_text(tile.button, self.tr("Add"))

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Choose your gifts"))
        self.prompt.setText(
            self.tr(
                "Tap Add under a gift. Grey gifts cannot be chosen now; "
                "the reason is written on them."
            )
        )
        self._volunteer_texts()
        self._chip_texts()
        if self.shelf is None and self.volunteer is not None:
            self.grid.set_loading(self.tr("Loading the gifts…"))
        self.grid.relayout()  # a tile's height follows its texts' language
        self.grid.rebind()
        self._cart_texts()

    def _volunteer_texts(self) -> None:
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
        self._fit_card()
        offline = v is not None and self._offline()
        self.offline.setVisible(offline)
        self.offline.setText(
            self.tr("The centre cannot be reached: up to %1 points can be redeemed now.").replace(
                "%1", str(min(v.offline_left, v.balance))
            )
            if v is not None and offline
            else ""
        )

    def _chip_texts(self) -> None:
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

    def _cart_texts(self) -> None:
        count = sum(self.cart.values())
        total = 0
        for sku, n in self.cart.items():
            gift = self._by_sku.get(sku)
            total += gift.points * n if gift is not None else 0
        self.cart_label.setText(
            self.tr("Chosen: %1 item(s), %2 points")
            .replace("%1", str(count))
            .replace("%2", str(total))
            if count
            else self.tr("Nothing chosen yet.")
        )
        self.to_cart.setText(self.tr("Check and redeem"))
        self.to_cart.setEnabled(count > 0)


class _Latest:
    """A counter the main thread bumps and a worker reads (a plain object, not a widget)."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _set_text(widget: Any, text: str) -> None:
    # Re-binding a tile on every scroll step sets texts that are mostly unchanged; an equal
    # setText still re-lays the label out.
    if widget.text() != text:
        widget.setText(text)
