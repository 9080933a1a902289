"""The on-screen numeric keypad: no physical keyboard is ever needed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from ui.widgets.buttons import BigButton


class NumericKeypad(QWidget):
    digit = Signal(str)
    backspace = Signal()
    clear = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(10)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, BigButton] = {}
        for index, d in enumerate("123456789"):
            self._add_digit(grid, d, index // 3, index % 3)
        self.clear_key = BigButton("", role="key")
        self.clear_key.setObjectName("key_clear")
        self.clear_key.clicked.connect(self.clear)
        grid.addWidget(self.clear_key, 3, 0)
        self._add_digit(grid, "0", 3, 1)
        self.back_key = BigButton("", icon_name="backspace", role="key", icon_px=28)
        self.back_key.setObjectName("key_back")
        self.back_key.clicked.connect(self.backspace)
        grid.addWidget(self.back_key, 3, 2)
        self.retranslate()

    def _add_digit(self, grid: QGridLayout, d: str, row: int, col: int) -> None:
        key = BigButton(d, role="key")
        key.setObjectName(f"key_{d}")
        key.clicked.connect(lambda _=False, d=d: self.digit.emit(d))
        grid.addWidget(key, row, col)
        self.keys[d] = key

    def retranslate(self) -> None:
        self.clear_key.setText(self.tr("Clear"))
        self.back_key.setText(self.tr("Delete"))
        self._fit_back_key()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_back_key()

    def _fit_back_key(self) -> None:
        """The ⌫ picture only where the word fits beside it: a narrow keypad (staff restock)
        cut "Delete" to "Delet" (the clip walk in tests/ui checks every button's words)."""
        key = self.back_key
        key.ensurePolished()
        words = key.fontMetrics().horizontalAdvance(key.text()) + 2 * 8 + 8  # padding, border
        fits = words + key.iconSize().width() + 8 <= key.width()
        if fits != bool(key._icon_name):
            key.set_icon("backspace" if fits else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
