"""Home: four big tiles (点单, 积分兑换, 进度查询, 志愿者签到). The staff entry is hidden:
a 3-second press on the station name.

Scanning works here too, as the receipt promises ("以后在这里扫一扫就能查看进度"): a ticket's QR
opens its progress, anything else is taken as a volunteer code and opens 积分兑换 for that
volunteer (a code that is not one gets the redeem screen's own message there).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout

from kiosk.qr import ORDER_PREFIX
from protocol.codes import USE_ATTEND, claimed_use
from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import Tile

log = logging.getLogger(__name__)


class HomeScreen(Screen):
    route = "home"
    flow = False
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        col = QVBoxLayout(self)
        col.setContentsMargins(64, 40, 64, 48)
        col.setSpacing(24)
        self.col = col
        self.welcome = QLabel()
        self.welcome.setObjectName("welcome")
        self.welcome.setProperty("kind", "title")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setProperty("kind", "subtitle")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        col.addWidget(self.welcome)
        col.addWidget(self.hint)
        self.grid = QGridLayout()
        self.grid.setSpacing(32)
        col.addStretch(1)
        col.addLayout(self.grid, 4)
        col.addStretch(1)
        self.order = Tile("order", icon_px=140)
        self.order.setObjectName("tileOrder")
        self.redeem = Tile("redeem", icon_px=140)
        self.redeem.setObjectName("tileRedeem")
        self.track = Tile("track", icon_px=140)
        self.track.setObjectName("tileTrack")
        self.attend = Tile("clock", icon_px=140)
        self.attend.setObjectName("tileAttend")
        self.tiles = (self.order, self.redeem, self.track, self.attend)
        self._shape: str | None = None
        self._large: bool | None = None
        self._arrange("row")
        self.order.clicked.connect(lambda: ctx.nav.go("order.categories"))
        self.redeem.clicked.connect(lambda: ctx.nav.go("redeem.scan"))
        self.track.clicked.connect(lambda: ctx.nav.go("track.lookup"))
        self.attend.clicked.connect(lambda: ctx.nav.go("attend.activities"))
        ctx.bus.changed.connect(lambda what: self.refit() if what == "large_text" else None)
        self.retranslate()

    def on_scan(self, text: str) -> None:
        if text.startswith(ORDER_PREFIX):
            route = "track.lookup"
        elif claimed_use(text) == USE_ATTEND:
            route = "attend.activities"  # a sign-in code: that screen says what to do
        else:
            route = "redeem.scan"
        log.info("scan on home: %s", route)
        self.ctx.nav.go(route)
        self.ctx.nav.deliver_scan(text)  # that screen looks it up as if scanned there

    def _shape_for(self, width: int, height: int) -> str:
        """The tiles' shape: "column" (portrait), "row" (four side by side) or "square"
        (two by two, icons beside the words): four large-text tiles in a row at 1280 px wrap
        every word and do not fit the height (issue 13 point 7)."""
        if height > width:
            return "column"
        narrowest = 420 if self.ctx.large_text else 280
        return "row" if width / 4 >= narrowest else "square"

    def _arrange(self, shape: str) -> None:
        large = self.ctx.large_text
        if (shape, large) == (self._shape, self._large):
            return
        self._shape, self._large = shape, large
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            row, column = {"column": (i, 0), "row": (0, i), "square": divmod(i, 2)}[shape]
            self.grid.addWidget(tile, row, column)
            # Stacked large-text tiles with the icon above were taller than a portrait
            # screen once a long station name took three lines of welcome.
            tile.set_beside(shape == "square" or (shape == "column" and large))
        # Two by two is for short screens: margins and gaps give their height to the tiles.
        square = shape == "square"
        # The hint ("tap a big button") gives its line to the tiles on a short screen; a
        # long station name may need two lines of welcome there.
        self.hint.setVisible(not square)
        self.col.setContentsMargins(*((48, 16, 48, 16) if square else (64, 40, 64, 48)))
        self.col.setSpacing(12 if square else 24)
        self.grid.setSpacing(16 if square else 32)

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        self._arrange(self._shape_for(size.width(), size.height()))
        self._fit_icons(size.height(), self._shape == "column")
        self._shrink_to_fit(size.width(), self._room(size.height()))
        super().resizeEvent(event)

    def _room(self, height: int) -> int:
        """The height the frame shows: a scroll area grows its page to the page's minimum."""
        viewport = self.parentWidget()
        return min(height, viewport.height()) if viewport is not None else height

    def _needed_height(self, width: int) -> int:
        col = self.col
        if col.hasHeightForWidth():
            return col.totalHeightForWidth(width)
        return col.totalMinimumSize().height()

    def _shrink_to_fit(self, width: int, height: int) -> None:
        """Home never scrolls: the long English station name takes two lines of welcome at
        1280x800, and four tiles with 140 px pictures then needed more than the height.
        Smaller pictures first, then two by two."""
        px = max(t.icon_px for t in self.tiles)
        log.debug("home fit: %s needs %s of %s", width, self._needed_height(width), height)
        while self._needed_height(width) > height and px > 64:
            px = max(64, px - 12)
            for tile in self.tiles:
                tile.set_icon_px(px)
        if self._shape == "row" and self._needed_height(width) > height:
            self._arrange("square")
            self._fit_icons(height, False)

    def _fit_icons(self, height: int, portrait: bool) -> None:
        if self._shape == "square":
            room = 72  # beside the words: a smaller picture leaves them the width
        else:
            room = height // (6 if portrait else 3) - (120 if self.ctx.large_text else 60)
        for tile in self.tiles:
            tile.set_icon_px(max(64, min(140, room)))

    def refit(self) -> None:
        """Text size changed: the tiles rearrange and the pictures make room for bigger words."""
        self._arrange(self._shape_for(self.width(), self.height()))
        self._fit_icons(self.height(), self._shape == "column")
        self._shrink_to_fit(self.width(), self._room(self.height()))

    def retranslate(self) -> None:
        self.welcome.setText(self.tr("Welcome to %1").replace("%1", self.ctx.station_name()))
        self.hint.setText(self.tr("Tap a big button below to begin."))
        self.order.set_texts(
            self.tr("Request a service"), self.tr("Repairs, health checks, legal advice and more")
        )
        self.redeem.set_texts(
            self.tr("Redeem points"), self.tr("Volunteers: exchange points for gifts")
        )
        self.track.set_texts(
            self.tr("Track & rate"), self.tr("See how your request is going and rate it")
        )
        self.attend.set_texts(
            self.tr("Volunteer sign-in"), self.tr("Sign in and out of today's activities")
        )
