"""The "please ask the staff" screen, with a short code the staff can find in the log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import BigButton


class ErrorScreen(Screen):
    route = "error"
    flow = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.code = ""
        col = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setProperty("kind", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setObjectName("errorCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.home = BigButton("", "home")
        self.home.clicked.connect(ctx.nav.home)
        col.addStretch(1)
        col.addWidget(self.title)
        col.addWidget(self.code_label)
        col.addWidget(self.home, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addStretch(1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.code = str(params.get("code", ""))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Something went wrong. Please ask the staff for help."))
        self.code_label.setText(self.tr("Code: %1").replace("%1", self.code))
        self.home.setText(self.tr("Back to start"))
