"""1–5 big stars. Filled and empty stars differ in shape, not only in colour."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui import theme
from ui.widgets.buttons import BigButton


class StarRating(QWidget):
    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, px: int = 88) -> None:
        super().__init__(parent)
        self._value = 0
        self._px = px
        row = QHBoxLayout(self)
        row.setSpacing(12)
        row.setContentsMargins(0, 0, 0, 0)
        self.stars: list[BigButton] = []
        for n in range(1, 6):
            star = BigButton("", role="link")
            star.setObjectName(f"star_{n}")
            star.setIconSize(QSize(px, px))
            star.setMinimumSize(px + 16, px + 16)
            star.clicked.connect(lambda _=False, n=n: self.set_value(n))
            row.addWidget(star)
            self.stars.append(star)
        self.caption = QLabel()
        self.caption.setProperty("kind", "subtitle")
        row.addSpacing(16)
        row.addWidget(self.caption)
        row.addStretch(1)
        self._paint()

    def value(self) -> int:
        return self._value

    def set_value(self, value: int) -> None:
        self._value = max(0, min(5, value))
        self._paint()
        self.changed.emit(self._value)

    def reset(self) -> None:
        self._value = 0
        self._paint()

    def _paint(self) -> None:
        for n, star in enumerate(self.stars, 1):
            filled = n <= self._value
            star.setIcon(
                theme.icon(
                    "star" if filled else "star-empty",
                    "#B7791F" if filled else theme.MUTED,
                    self._px,
                )
            )
            star.setIconSize(QSize(self._px, self._px))
        self.retranslate()

    def retranslate(self) -> None:
        self.caption.setText(f"{self._value} / 5" if self._value else "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
