"""The top row of a flow screen: back, the title, home."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.widgets.buttons import BigButton


class ScreenHeader(QWidget):
    """``ScreenHeader(on_back=ctx.nav.back, on_home=ctx.nav.home)``; title via set_title."""

    def __init__(
        self,
        on_back: Callable[[], None] | None = None,
        on_home: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)
        self.back = BigButton("", "back", role="secondary")
        self.back.setObjectName("backButton")
        self.title = QLabel()
        self.title.setProperty("kind", "title")
        self.title.setWordWrap(True)
        self.home = BigButton("", "home", role="secondary")
        self.home.setObjectName("homeButton")
        row.addWidget(self.back)
        row.addWidget(self.title, 1)
        row.addWidget(self.home)
        if on_back is not None:
            self.back.clicked.connect(on_back)
        else:
            self.back.setVisible(False)
        if on_home is not None:
            self.home.clicked.connect(on_home)
        else:
            self.home.setVisible(False)
        self.retranslate()

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def retranslate(self) -> None:
        self.back.setText(self.tr("Back"))
        self.home.setText(self.tr("Home"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
