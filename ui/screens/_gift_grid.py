"""The 积分兑换 shelf as a virtual grid: only the gift tiles in view exist as widgets.

A big station lists 2,000 gifts. A widget tree per gift took seconds to build and made every
scroll frame lay out thousands of widgets, so the grid keeps the gifts as data and a small
pool of real ``GiftTile`` widgets (real buttons: a finger, a test and a screen reader find
``add_<sku>`` as before) that are re-bound to whichever gifts scroll into view, plus a row
of margin above and below so a flick never shows an empty slot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QLabel, QScroller, QWidget

from kiosk.gifts import GiftView
from ui import theme
from ui.screens._flow_widgets import columns_for
from ui.screens._gift_tile import GiftTile, warm_picture
from ui.widgets.drag_scroll import make_draggable

log = logging.getLogger(__name__)

SPACING = 20
STEP_PX = 40

Binder = Callable[[GiftTile, GiftView], None]

# The tallest a tile can need: every line filled (stock, limit, chosen) and a reason. All
# rows are this tall, so a row's place is arithmetic and never moves as tiles re-bind.
_TALLEST = GiftView(
    sku="",
    name="礼品",
    name_en="Gift",
    category="",
    points=100,
    stock=100,
    limit=1,
    taken_today=0,
    in_cart=1,
    image_path="",
    available=False,
    reason_key="gift.limit_reached",
)


class GiftGrid(QAbstractScrollArea):
    """Gifts in rows whose column count follows the width (landscape or portrait, large text).

    ``bind(tile, gift)`` (the screen's) fills a tile's texts; the grid only places tiles.
    """

    add = Signal(str)  # sku whose Add was tapped

    def __init__(self, bind: Binder, min_width: int = 380, parent: QWidget | None = None):
        super().__init__(parent)
        self._bind = bind
        self.min_width = min_width
        self.gifts: list[GiftView] = []
        self._bound: dict[int, GiftTile] = {}  # gift index -> tile showing it
        self._spare: list[GiftTile] = []
        self._columns = 1
        self._col_w = 0
        self._row_h = 0
        self._row_h_for: tuple[int, int] | None = None  # (column width, font size) measured
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.verticalScrollBar().setSingleStep(STEP_PX)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        make_draggable(self)
        # The page's colour between the tiles, painted by the viewport itself: an opaque
        # viewport lets a scroll step move the pixels it has and paint only the new strip.
        self.viewport().setObjectName("giftShelf")
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)  # what the sheet sets
        self.setStyleSheet(f"QWidget#giftShelf {{ background: {theme.BG}; }}")
        self._probe = GiftTile(self.viewport())
        self._probe.hide()
        self.loading = QLabel(self.viewport())
        self.loading.setObjectName("giftsLoading")
        self.loading.setProperty("kind", "subtitle")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.hide()
        self._warm = QTimer(self, singleShot=True, interval=0)
        self._warm.timeout.connect(self._warm_step)

    # -- what the screen calls ------------------------------------------------------------
    def set_gifts(self, gifts: Sequence[GiftView], scroll_to: int | None = None) -> None:
        """Show these gifts. The same gifts in the same order (a cart or stock change) only
        re-bind the tiles in view and keep the scroll position; ``scroll_to`` moves it."""
        gifts = list(gifts)
        same = [g.sku for g in gifts] == [g.sku for g in self.gifts]
        self.gifts = gifts
        self.loading.setVisible(False)
        if not same:
            # Nothing left to show (the volunteer left): spare tiles keep no gift or cart
            # count of theirs either.
            self._release(list(self._bound), wipe=not gifts)
        self._layout(scroll_to)
        if same:
            self.rebind()

    def set_loading(self, text: str) -> None:
        """No gifts yet: say so in words rather than show an empty shelf."""
        self.set_gifts([], scroll_to=0)
        self.loading.setText(text)
        self.loading.setGeometry(self.viewport().rect())
        self.loading.setVisible(bool(text))

    def rebind(self) -> None:
        """Texts of the tiles in view again (language, cart, stock)."""
        for index, tile in self._bound.items():
            self._bind(tile, self.gifts[index])

    def relayout(self) -> None:
        """After ``min_width`` or the text size changed."""
        self._row_h_for = None
        self._layout(None)

    @property
    def count(self) -> int:
        return len(self.gifts)

    @property
    def tiles(self) -> dict[str, GiftTile]:
        """The tiles that exist now (those in view and a row either side), by sku."""
        return {self.gifts[i].sku: t for i, t in sorted(self._bound.items())}

    def tile_widgets(self) -> list[GiftTile]:
        """Every tile widget the grid owns, bound or spare (the pool)."""
        return list(self._bound.values()) + list(self._spare)

    def filled(self) -> bool:
        """Every slot in view shows its gift (what a first paint must show)."""
        if not self.gifts:
            return False
        return all(i in self._bound for i in self._visible_indices(margin=False))

    def scroll_value(self) -> int:
        return self.verticalScrollBar().value()

    def scroll_to_sku(self, sku: str) -> None:
        """Bring a gift's row into view (top if it lies above, bottom if below)."""
        index = next((i for i, g in enumerate(self.gifts) if g.sku == sku), None)
        if index is None:
            return
        bar = self.verticalScrollBar()
        top = (index // self._columns) * self._pitch()
        if top < bar.value():
            bar.setValue(top)
        elif top + self._row_h > bar.value() + self.viewport().height():
            bar.setValue(top + self._row_h - self.viewport().height())

    # -- Qt --------------------------------------------------------------------------------
    def row_height(self) -> int:
        """One row of gifts, whole (its tallest gift, button included), at the width of the
        last layout (measured once per width and text size)."""
        self._measure()
        return self._row_h

    def sizeHint(self) -> QSize:
        # The screen is laid out by preferred heights; a shelf that scrolls must not push
        # the cart bar below it off the screen.
        return QSize(super().sizeHint().width(), 120)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.loading.setGeometry(self.viewport().rect())
        self._layout(None)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # Move what is painted already and draw only the strip that came into view; then
        # bind the tiles of rows that entered the margin.
        self.viewport().scroll(dx, dy)
        self._place()

    # -- internals -------------------------------------------------------------------------
    def _pitch(self) -> int:
        return self._row_h + SPACING

    def _measure(self) -> None:
        font_px = self.font().pixelSize() or self.font().pointSize()
        key = (self._col_w, font_px)
        if key == self._row_h_for:
            return
        self._bind(self._probe, _TALLEST)
        self._probe.ensurePolished()
        layout = self._probe.layout()
        assert layout is not None
        layout.activate()
        hint = self._probe.sizeHint().height()
        for_width = self._probe.heightForWidth(self._col_w) if self._col_w > 0 else -1
        self._row_h = max(hint, for_width)
        self._row_h_for = key

    def _layout(self, scroll_to: int | None) -> None:
        width = max(self.viewport().width(), 1)
        columns = columns_for(width, self.min_width)
        col_w = max(1, (width - (columns - 1) * SPACING) // columns)
        if (columns, col_w) != (self._columns, self._col_w):
            self._columns, self._col_w = columns, col_w
            self._release(list(self._bound))  # every tile moves: re-place them all
        self._measure()
        rows = -(-len(self.gifts) // self._columns)
        content = max(0, rows * self._pitch() - SPACING)
        bar = self.verticalScrollBar()
        bar.setPageStep(self.viewport().height())
        bar.setRange(0, max(0, content - self.viewport().height()))
        if scroll_to is not None and scroll_to != bar.value():
            bar.setValue(scroll_to)  # scrollContentsBy places the tiles
        else:
            self._place()

    def _visible_indices(self, margin: bool = True) -> range:
        if not self.gifts or self._row_h <= 0:
            return range(0)
        pitch = self._pitch()
        top = self.verticalScrollBar().value()
        first = top // pitch
        last = (top + self.viewport().height()) // pitch
        if margin:
            first, last = first - 1, last + 1
        rows = -(-len(self.gifts) // self._columns)
        first, last = max(0, first), min(rows - 1, last)
        return range(first * self._columns, min(len(self.gifts), (last + 1) * self._columns))

    def _release(self, indices: list[int], wipe: bool = False) -> None:
        for index in indices:
            tile = self._bound.pop(index)
            tile.hide()
            tile.bind_sku("")
            self._spare.append(tile)
        if wipe:
            for tile in self._spare:
                tile.wipe()

    def _place(self) -> None:
        wanted = self._visible_indices()
        self._release([i for i in self._bound if i not in wanted])
        top = self.verticalScrollBar().value()
        pitch = self._pitch()
        for index in wanted:
            tile = self._bound.get(index)
            if tile is None:
                tile = self._spare.pop() if self._spare else self._new_tile()
                self._bound[index] = tile
                self._bind(tile, self.gifts[index])
            row, col = divmod(index, self._columns)
            tile.setGeometry(
                col * (self._col_w + SPACING), row * pitch - top, self._col_w, self._row_h
            )
            if tile.isHidden():
                tile.show()
        if self.gifts and not self._warm.isActive():
            self._warm.start()

    def _warm_step(self) -> None:
        """One small piece of work ahead of the finger per turn of the event loop: a spare
        tile while the pool is short of a screenful plus two rows, else the picture of a
        gift just beyond the margin. A new tile (~2 ms) or a first picture load met in the
        middle of a scroll step made that frame miss 16 ms."""
        if not self.gifts or self._row_h <= 0:
            return
        rows_in_view = -(-self.viewport().height() // self._pitch()) + 1
        if len(self._bound) + len(self._spare) < self._columns * (rows_in_view + 2):
            tile = self._new_tile()
            tile.ensurePolished()
            self._spare.append(tile)
            self._warm.start()
            return
        near = self._visible_indices()
        ahead = self._columns * 2
        upcoming = list(range(near.stop, min(len(self.gifts), near.stop + ahead)))
        upcoming += range(max(0, near.start - ahead), near.start)
        for index in upcoming:
            gift = self.gifts[index]
            if warm_picture(gift.image_path, greyed=not gift.available):
                self._warm.start()
                return

    def _new_tile(self) -> GiftTile:
        tile = GiftTile(self.viewport())
        tile.add.connect(self.add)
        return tile
