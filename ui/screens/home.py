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
        self._portrait: bool | None = None
        self._arrange(portrait=False)
        self.order.clicked.connect(lambda: ctx.nav.go("order.categories"))
        self.redeem.clicked.connect(lambda: ctx.nav.go("redeem.scan"))
        self.track.clicked.connect(lambda: ctx.nav.go("track.lookup"))
        self.attend.clicked.connect(lambda: ctx.nav.go("attend.activities"))
        ctx.bus.changed.connect(lambda what: self.refit() if what == "large_text" else None)
        self.retranslate()

    def on_scan(self, text: str) -> None:
        route = "track.lookup" if text.startswith(ORDER_PREFIX) else "redeem.scan"
        log.info("scan on home: %s", route)
        self.ctx.nav.go(route)
        self.ctx.nav.deliver_scan(text)  # that screen looks it up as if scanned there

    def _arrange(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i if portrait else 0, 0 if portrait else i)

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = event.size().height() > event.size().width()
        self._arrange(portrait=portrait)
        self._fit_icons(event.size().height(), portrait)
        super().resizeEvent(event)

    def _fit_icons(self, height: int, portrait: bool) -> None:
        room = height // (6 if portrait else 3) - (120 if self.ctx.large_text else 60)
        for tile in self.tiles:
            tile.set_icon_px(max(64, min(140, room)))

    def refit(self) -> None:
        """Text size changed: the pictures make room for bigger words."""
        self._fit_icons(self.height(), self.height() > self.width())

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
