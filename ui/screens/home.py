"""Home: three big tiles. Staff entry: a 3-second press on the station name."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout

from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import BigButton

log = logging.getLogger(__name__)


class HomeScreen(Screen):
    route = "home"
    flow = False

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        col = QVBoxLayout(self)
        col.setContentsMargins(64, 48, 64, 48)
        self.welcome = QLabel()
        self.welcome.setProperty("kind", "title")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.welcome)
        grid = QGridLayout()
        self.order = BigButton("", "order", role="tile", icon_px=96)
        self.order.setObjectName("tileOrder")
        self.redeem = BigButton("", "redeem", role="tile", icon_px=96)
        self.redeem.setObjectName("tileRedeem")
        self.track = BigButton("", "track", role="tile", icon_px=96)
        self.track.setObjectName("tileTrack")
        for i, b in enumerate((self.order, self.redeem, self.track)):
            grid.addWidget(b, 0, i)
        col.addLayout(grid, 1)
        self.order.clicked.connect(lambda: ctx.nav.go("order.categories"))
        self.redeem.clicked.connect(lambda: ctx.nav.go("redeem.scan"))
        self.track.clicked.connect(lambda: ctx.nav.go("track.lookup"))
        self.retranslate()

    def retranslate(self) -> None:
        self.welcome.setText(self.tr("Welcome. What would you like to do?"))
        self.order.setText(self.tr("Request a service"))
        self.redeem.setText(self.tr("Redeem points"))
        self.track.setText(self.tr("Track / rate an order"))
