"""The staff menu: one tile per admin section; technicians also see settings."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

from ui import startup_notices
from ui.context import AppContext
from ui.screens.staff_base import StaffScreen
from ui.widgets import BigButton, ErrorBanner, Tile

# (route, icon) in menu order; the texts are in retranslate.
SECTIONS = (
    ("staff.restock", "box"),
    ("staff.correct", "settings"),
    ("staff.low", "warning"),
    ("staff.today", "calendar"),
    ("staff.sync", "sync"),
    ("staff.reprint", "receipt"),
    ("staff.printer", "printer"),
    ("staff.exceptions", "info"),
    ("staff.attendance", "clock"),
    ("staff.settings", "settings"),
)
log = logging.getLogger(__name__)

TECHNICIAN_ONLY = {"staff.settings"}
# How the tiles shrink, in turn, until the menu fits the screen's height: (picture px,
# captions shown). At 1280x800 in large text the menu scrolled (by 50 px in Chinese, by
# 274 px in English, whose longer words need four columns and three rows): a smaller
# picture is enough in Chinese; English also gives up the captions, as the titles say
# where each tile leads.
FITS = ((56, True), (40, True), (56, False), (40, False))


class StaffMenuScreen(StaffScreen):
    route = "staff.menu"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.back.setVisible(False)
        # A crash or a restored store since the last visit: said here until dismissed.
        self.startup = ErrorBanner()
        self.startup.setObjectName("startupNotice")
        self.dismiss = BigButton("", "check", role="secondary")
        self.dismiss.setObjectName("dismissStartupNotice")
        self.dismiss.clicked.connect(self._dismiss_notices)
        self.body.addWidget(self.startup)
        self.body.addWidget(self.dismiss)
        self.startup.hide()
        self.dismiss.setVisible(False)
        holder = QWidget()
        self.grid = QGridLayout(holder)
        self.grid.setSpacing(20)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, Tile] = {}
        for route, icon_name in SECTIONS:
            tile = Tile(icon_name, icon_px=56, compact=True)
            tile.setMinimumHeight(120)
            tile.setObjectName("menu_" + route.split(".", 1)[1])
            tile.clicked.connect(lambda _=False, r=route: ctx.nav.go(r))
            self.tiles[route] = tile
        self.body.addWidget(holder, 1)
        self._columns = 0
        self._hidden: set[str] = set(TECHNICIAN_ONLY)
        self._arrange(3)
        self.retranslate()
        ctx.bus.changed.connect(lambda what: self._refit() if what == "large_text" else None)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        visible = [t for r, t in self.tiles.items() if r not in self._hidden]
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for i, tile in enumerate(visible):
            self.grid.addWidget(tile, i // columns, i % columns)

    def _show_notices(self) -> None:
        cfg = self.ctx.config
        notes = startup_notices.pending(cfg.data_dir, self.ctx.lang)
        status = self.ctx.sync.status() if self.ctx.sync is not None else None
        standing = startup_notices.standing(
            cfg.data_dir,
            cfg.store_path(),
            self.ctx.lang,
            cfg.timezone,
            getattr(status, "clock_skew_s", None),
        )
        if notes or standing:
            self.startup.show("\n".join(standing + notes))
        else:
            self.startup.hide()
        self.dismiss.setVisible(bool(notes))  # standing warnings go when their cause does

    def _dismiss_notices(self) -> None:
        startup_notices.dismiss(self.ctx.config.data_dir)
        self._show_notices()

    def refresh(self, **params: Any) -> None:
        self._show_notices()
        technician = bool(self.ctx.staff and self.ctx.staff.technician)
        self._hidden = set() if technician else set(TECHNICIAN_ONLY)
        for route, tile in self.tiles.items():
            tile.setVisible(route not in self._hidden)
        self._refit()

    def _fit(self, width: int, height: int) -> int:
        """Two rows of tiles in landscape, more rows in portrait; fewer columns where a
        title's longest word would not fit its tile (in large English text at 1280 px
        "Attendance" was cut at both ends: a word is not wrapped)."""
        if width < height:
            return 2
        columns = 5 if width >= 1200 else 3
        word = self._widest_word()
        # The page's margins and scroll bar (~120 px), the gaps, a tile's own margins.
        while columns > 3 and (width - 120 - 20 * (columns - 1)) // columns - 40 < word:
            columns -= 1
        return columns

    def _widest_word(self) -> int:
        widest = 0
        for route, tile in self.tiles.items():
            if route in self._hidden:
                continue
            tile.title.ensurePolished()
            metrics = tile.title.fontMetrics()
            # Chinese wraps between any two characters: only Latin words are whole.
            words = [w for w in tile.title.text().split() if w.isascii()]
            widest = max([widest, *(metrics.horizontalAdvance(w) for w in words)])
        return widest

    def _room(self, height: int) -> int:
        """The height the frame shows: a scroll area grows its page to the page's minimum."""
        viewport = self.parentWidget()
        return min(height, viewport.height()) if viewport is not None else height

    def _needed_height(self, width: int, px: int, captioned: bool) -> int:
        """The page's height with tiles of ``px`` pictures, captions shown or not: measured
        from the words' heights at the tiles' width now (the layouts learn of a smaller
        picture only on their next pass)."""
        outer = self.layout()
        margins = outer.contentsMargins()
        columns = max(1, self._columns)
        visible = [t for r, t in self.tiles.items() if r not in self._hidden]
        gap = self.grid.horizontalSpacing()
        tile_w = (width - margins.left() - margins.right() - gap * (columns - 1)) // columns
        tallest = 0
        for tile in visible:
            inner = tile.layout()
            m = inner.contentsMargins()
            words = tile_w - m.left() - m.right()
            step = inner.verticalSpacing()
            tile.title.ensurePolished()
            tile.caption.ensurePolished()
            need = m.top() + m.bottom() + px + step + tile.title.heightForWidth(words)
            if captioned and tile.caption.text():
                need += step + tile.caption.heightForWidth(words)
            tallest = max(tallest, need, tile.minimumHeight())
        rows = -(-len(visible) // columns)
        height = margins.top() + margins.bottom() + outer.itemAt(0).sizeHint().height()
        for extra in (self.startup, self.dismiss):
            if extra.isVisibleTo(self):
                height += self.body.spacing() + extra.sizeHint().height()
        return height + outer.spacing() + rows * tallest + self.grid.verticalSpacing() * (rows - 1)

    def _fit_height(self, width: int, height: int) -> None:
        """The first of ``FITS`` with which the tiles fit the height the frame shows."""
        room = self._room(height)
        for px, captioned in FITS:
            if self._needed_height(width, px, captioned) <= room:
                break
        for tile in self.tiles.values():
            tile.set_icon_px(px)
            tile.set_captioned(captioned)

    def _fit_to(self, width: int, height: int) -> None:
        self._arrange(self._fit(width, height))
        self._fit_height(width, height)

    def _refit(self) -> None:
        self._columns = 0
        self._fit_to(self.width(), self.height())

    def resizeEvent(self, event: Any) -> None:
        self._fit_to(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Staff menu"))
        self.dismiss.setText(self.tr("Noted, hide this"))
        texts = {
            "staff.restock": (self.tr("Restock"), self.tr("Scan or tap a gift")),
            "staff.correct": (self.tr("Correct stock"), self.tr("Broken, expired, miscounted")),
            "staff.low": (self.tr("Low stock"), self.tr("Gifts running out")),
            "staff.today": (self.tr("Today"), self.tr("Today's figures")),
            "staff.sync": (self.tr("Sync"), self.tr("Unsent records")),
            "staff.reprint": (self.tr("Reprint"), self.tr("Print again")),
            "staff.printer": (self.tr("Printer test"), self.tr("Test page")),
            "staff.exceptions": (self.tr("Exceptions"), self.tr("Offline overdrafts")),
            "staff.attendance": (self.tr("Attendance"), self.tr("Who is here, hours")),
            "staff.settings": (self.tr("Settings"), self.tr("Technicians only")),
        }
        for route, (title, caption) in texts.items():
            self.tiles[route].set_texts(title, caption)
        if self._columns:
            self._refit()
