"""A big tile: an icon above a title and a line of explanation, or beside them where height
is short (home at 1280×800 in large text). The whole tile is the target."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)

from ui import theme


class TileIcon(QWidget):
    """A tile's picture, drawn when it is painted, at the size it has then.

    Home sizes its tiles' pictures to the screen in steps (every resize while the window
    comes up, then smaller until the words fit): drawn at every step, 53 pictures were
    rendered from SVG before home first showed (54 ms) for the 4 that are seen. Only the
    size is set at each step; the layout reads it as it read the picture's size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name: str | None = None
        self._colour = theme.ACCENT
        self._px = 0
        self._drawn: QPixmap | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def show_icon(self, name: str, px: int, colour: str) -> None:
        if (name, px, colour) == (self._name, self._px, self._colour):
            return
        resized = px != self._px
        self._name, self._px, self._colour = name, px, colour
        self._drawn = None
        if resized:
            self.updateGeometry()
        self.update()

    def set_px(self, px: int) -> None:
        """The same picture at another size (nothing to do before it has one)."""
        if self._name:
            self.show_icon(self._name, px, self._colour)
        else:
            self._px = px

    def pixmap(self) -> QPixmap:
        """The picture as painted (drawn now if it has not been yet)."""
        if self._drawn is None and self._name:
            self._drawn = theme.pixmap(self._name, self._px, self._colour, self.devicePixelRatioF())
        return self._drawn if self._drawn is not None else QPixmap()

    def sizeHint(self) -> QSize:
        return QSize(self._px, self._px) if self._name else QSize(0, 0)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:
        drawn = self.pixmap()
        if drawn.isNull():
            return
        x = (self.width() - self._px) // 2
        y = (self.height() - self._px) // 2
        painter = QPainter(self)
        painter.drawPixmap(x, y, drawn)
        painter.end()


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
        self._grid = QGridLayout(self)
        margin = 12 if compact else 24
        self._grid.setContentsMargins(margin, margin, margin, margin)
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(12)
        self.icon = TileIcon()
        self.title = QLabel()
        self._title_kind = "tileTitleSmall" if compact else "tileTitle"
        self.title.setProperty("kind", self._title_kind)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setProperty("kind", "muted")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        for w in (self.icon, self.title, self.caption):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        expanding = QSizePolicy.Policy.Expanding
        self._gaps = [QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, expanding) for _ in "ab"]
        self.captioned = True  # the caption is shown (when it has words)
        self.beside: bool | None = None
        self.set_beside(False)
        self.icon_px = icon_px
        if icon_name:
            self.set_icon(icon_name)

    def set_beside(self, beside: bool) -> None:
        """Icon above the words (False) or to their left (True: saves a tile's height)."""
        if beside == self.beside:
            return
        self.beside = beside
        for w in (self.icon, self.title, self.caption):
            self._grid.removeWidget(w)
        for gap in self._gaps:
            self._grid.removeItem(gap)
        for column in range(2):
            self._grid.setColumnStretch(column, 0)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        words = left if beside else Qt.AlignmentFlag.AlignCenter
        self.title.setAlignment(words)
        self.caption.setAlignment(words)
        # Beside the icon the title has less width: the button size (still above body
        # text) keeps "Volunteer sign-in" on one line in large text.
        self.title.setProperty("kind", "tileTitleSmall" if beside else self._title_kind)
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
        # Gaps above and below keep icon and words together in the middle of the tile.
        if beside:
            self._grid.addItem(self._gaps[0], 0, 1)
            self._grid.addWidget(self.icon, 0, 0, 4, 1)
            self._grid.addWidget(self.title, 1, 1)
            self._grid.addWidget(self.caption, 2, 1)
            self._grid.addItem(self._gaps[1], 3, 1)
            self._grid.setColumnStretch(1, 1)
        else:
            self._grid.addItem(self._gaps[0], 0, 0)
            self._grid.addWidget(self.icon, 1, 0)
            self._grid.addWidget(self.title, 2, 0)
            self._grid.addWidget(self.caption, 3, 0)
            self._grid.addItem(self._gaps[1], 4, 0)
            self._grid.setColumnStretch(0, 1)

    def set_icon(self, name: str, colour: str = theme.ACCENT) -> None:
        self.icon.show_icon(name, self.icon_px, colour)

    def set_icon_px(self, px: int) -> None:
        """A smaller picture where room is short (large text on a small display)."""
        self.icon_px = px
        self.icon.set_px(px)

    def set_texts(self, title: str, caption: str = "") -> None:
        self.title.setText(title)
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption) and self.captioned)
        self.setAccessibleName(title)
        self.setAccessibleDescription(caption)  # said by a screen reader, shown or not

    def set_captioned(self, shown: bool) -> None:
        """Show the line under the title, or only the title (a short screen in large text)."""
        self.captioned = shown
        self.caption.setVisible(bool(self.caption.text()) and shown)

    def text(self) -> str:  # type: ignore[override]
        return self.title.text()
