"""The "please ask the staff" screen, with a short code the staff can find in the log.

No traceback and no jargon reach this screen: ``ui.operations`` logs the details under the
code and shows only the code.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from ui import theme
from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import BigButton


class ErrorScreen(Screen):
    route = "error"
    flow = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.code = ""
        self.reason = ""  # a message key naming the cause (the disk is full), or ""
        card = QFrame()
        card.setProperty("kind", "card")
        card.setMaximumWidth(900)
        col = QVBoxLayout(card)
        # tight enough for the disk-full words in 大字 English at 1280x800 (it scrolled)
        col.setContentsMargins(48, 28, 48, 28)
        col.setSpacing(14)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("warning", 96, theme.DANGER))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setProperty("kind", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setObjectName("errorCode")
        self.code_label.setProperty("kind", "display")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.home = BigButton("", "home")
        self.home.setObjectName("errorHome")
        self.home.clicked.connect(ctx.nav.home)
        for w in (icon, self.title, self.hint, self.code_label):
            col.addWidget(w)
        col.addWidget(self.home, 0, Qt.AlignmentFlag.AlignHCenter)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 8)
        middle.addStretch(1)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.code = str(params.get("code", ""))
        self.reason = str(params.get("reason", ""))
        self.retranslate()

    def reset(self) -> None:
        self.code = self.reason = ""
        self.retranslate()

    def retranslate(self) -> None:
        if self.reason:
            self.title.setText(self.ctx.msg(self.reason))
        else:
            self.title.setText(self.tr("Something went wrong. Please ask the staff for help."))
        self.hint.setText(self.tr("Show this code to the staff:"))
        self.code_label.setText(self.code or "—")
        self.home.setText(self.tr("Back to start"))
