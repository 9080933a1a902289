"""Big touch buttons. Text is set by the screen (already translated)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ui import theme

ROLES = ("primary", "secondary", "danger", "tile", "key", "chip", "pick", "link")


class BigButton(QPushButton):
    """A ≥ 80 px button; ``role`` picks the look (primary = the accent colour)."""

    def __init__(
        self,
        text: str = "",
        icon_name: str | None = None,
        role: str = "primary",
        parent: QWidget | None = None,
        icon_px: int = 40,
    ) -> None:
        super().__init__(text, parent)
        if role not in ROLES:
            raise ValueError(f"unknown button role {role!r}")
        self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(theme.TOUCH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._icon_name = icon_name
        self._icon_px = icon_px
        if icon_name:
            self.set_icon(icon_name, icon_px)

    def set_icon(self, name: str | None, px: int | None = None) -> None:
        self._icon_name = name
        px = px or self._icon_px
        if not name:
            self.setIcon(QIcon())
            return
        colour = theme.ON_ACCENT if self.property("role") == "primary" else theme.TEXT
        if self.property("role") == "danger":
            colour = theme.DANGER
        self.setIcon(theme.icon(name, colour, px))
        self.setIconSize(QSize(px, px))


class WrapButton(BigButton):
    """A BigButton whose text wraps onto several lines (long gift or service names)."""

    def __init__(
        self,
        text: str = "",
        icon_name: str | None = None,
        role: str = "pick",
        parent: QWidget | None = None,
        icon_px: int = 40,
    ) -> None:
        super().__init__("", icon_name, role, parent, icon_px)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self._label)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._label.setText(text)

    def text(self) -> str:
        return self._label.text()

    def needed_width(self) -> int:
        """The narrowest this button shows its label whole. The label wraps between words
        only: narrower than its longest word, the word is cut ("Donation" showed as
        "onatio" on a 1280-px screen in large text)."""
        metrics = self._label.fontMetrics()
        words = self._label.text().split()
        return max((metrics.horizontalAdvance(w) for w in words), default=0) + 32

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(theme.TOUCH, self._label.heightForWidth(width - 28) + 16)

    def sizeHint(self) -> QSize:
        hint = self._label.sizeHint()
        width = min(hint.width() + 28, 320)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(theme.TOUCH * 2, theme.TOUCH)
