"""A big tile: an icon above a title and a line of explanation. The whole tile is the target."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui import theme


class Tile(QPushButton):
    def __init__(
        self,
        icon_name: str | None = None,
        icon_px: int = 120,
        parent: QWidget | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(theme.TOUCH * 2)
        col = QVBoxLayout(self)
        margin = 12 if compact else 24
        col.setContentsMargins(margin, margin, margin, margin)
        col.setSpacing(12)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setProperty("kind", "tileTitleSmall" if compact else "tileTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setProperty("kind", "muted")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        col.addStretch(1)
        for w in (self.icon, self.title, self.caption):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            col.addWidget(w)
        col.addStretch(1)
        self.icon_px = icon_px
        if icon_name:
            self.set_icon(icon_name)

    def set_icon(self, name: str, colour: str = theme.ACCENT) -> None:
        self._icon_name = name
        self.icon.setPixmap(theme.pixmap(name, self.icon_px, colour))

    def set_icon_px(self, px: int) -> None:
        """A smaller picture where room is short (large text on a small display)."""
        if px != self.icon_px:
            self.icon_px = px
            if getattr(self, "_icon_name", None):
                self.set_icon(self._icon_name)

    def set_texts(self, title: str, caption: str = "") -> None:
        self.title.setText(title)
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self.setAccessibleName(title)

    def text(self) -> str:  # type: ignore[override]
        return self.title.text()
