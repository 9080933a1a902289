"""A message banner: always an icon and words, never colour alone."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui import theme


class ErrorBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 12, 20, 12)
        row.setSpacing(16)
        self.icon = QLabel()
        self.icon.setPixmap(theme.pixmap("warning", 44, theme.DANGER))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName("errorText")
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        self.setVisible(False)

    def show(self, text: str = "") -> None:  # type: ignore[override]
        """Show ``text`` (already translated) with the warning icon."""
        if text:
            self.label.setText(text)
        self.setVisible(True)

    def hide(self) -> None:
        self.label.clear()
        self.setVisible(False)

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
