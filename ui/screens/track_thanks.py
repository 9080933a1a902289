"""评价 done: thank you; back to the start after a few seconds or on a tap."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel

from ui import theme
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import label
from ui.widgets import BigButton

log = logging.getLogger(__name__)

HOME_AFTER_S = 10


class TrackThanksScreen(FlowPage):
    route = "track.thanks"
    accepts_scans = True  # the next resident's ticket: it was dropped without a word here

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx, back=False)
        self.stars = 0
        self.col.addStretch(1)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("star", 120, "#B7791F"))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(icon)
        self.message = label("title", name="thanksMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(self.message)
        self.col.addStretch(1)
        self.done = BigButton("", "home", role="primary")
        self.done.setObjectName("doneButton")
        self.done.clicked.connect(ctx.nav.home)
        self.col.addWidget(self.done)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(HOME_AFTER_S * 1000)
        self.timer.timeout.connect(ctx.nav.home)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.stars = int(params.get("stars", 0))
        self.timer.start()
        self.retranslate()

    def leave(self) -> None:
        self.timer.stop()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.timer.isActive():
            self.ctx.nav.home()
        super().mousePressEvent(event)

    def on_scan(self, text: str) -> None:
        self.start_over_with(text)

    def reset(self) -> None:
        self.timer.stop()
        self.stars = 0

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Thank you"))
        self.prompt.setText("")
        self.message.setText(self.tr("Thank you for your rating. It helps our volunteers."))
        self.done.setText(self.tr("Back to start"))
