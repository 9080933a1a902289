"""A gift on the 积分兑换 shelf: picture, name, points, stock and limit, greyed with a reason."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import theme
from ui.widgets import BigButton

log = logging.getLogger(__name__)


class GiftTile(QFrame):
    """One gift: picture, name, points, stock, limit; greyed with the reason in words.

    The shelf keeps a small pool of these and binds them to whichever gifts are in view
    (``bind_sku``), so a tile is not one gift for its whole life."""

    add = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sku = ""
        self.setProperty("kind", "card")
        # Every child is made with this tile as its parent and styled by the application's
        # sheet (QLabel#giftName, #giftPoints, #giftReason in ui.theme), not by a sheet of
        # its own: a widget with its own sheet gets its own style object, re-resolved when
        # it is reparented and polished, and the first volunteer after a start waited for
        # ten tiles' worth of that before the shelf painted (figure 8).
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 16, 16, 16)
        col.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(16)
        # The reason sits under the greyed picture, not as a sixth line of text: every row
        # of the shelf is as tall as its tallest possible tile, and a short screen (1280×800)
        # must still show a whole row with its Add buttons.
        left = QVBoxLayout()
        left.setSpacing(4)
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFixedSize(96, 96)
        self.reason = _label(self, "giftReason")
        self.reason.setFixedWidth(96)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        left.addWidget(self.picture)
        left.addWidget(self.reason)
        left.addStretch(1)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.name = ElidedLabel(self)
        self.name.setObjectName("giftName")
        self.points = _label(self, "giftPoints")
        self.stock = _label(self, "", kind="muted")
        for w in (self.name, self.points, self.stock):
            texts.addWidget(w)
        texts.addStretch(1)
        top.addLayout(left)
        top.addLayout(texts, 1)
        col.addLayout(top, 1)
        self.button = BigButton("", "check", role="primary", icon_px=32, parent=self)
        self.button.clicked.connect(lambda: self.add.emit(self.sku))
        col.addWidget(self.button)

    def bind_sku(self, sku: str) -> None:
        """Names follow the gift shown, so a finger, a test or a screen reader finds it as
        ``gift_<sku>`` / ``add_<sku>``; an unbound tile has none (no stale Add button)."""
        if sku == self.sku:
            return
        self.sku = sku
        self.setObjectName(f"gift_{sku}" if sku else "")
        self.button.setObjectName(f"add_{sku}" if sku else "")

    def wipe(self) -> None:
        self.name.set_full_text("")
        for lab in (self.points, self.stock, self.reason):
            lab.clear()
        self.picture.clear()

    def set_picture(self, image_path: str, greyed: bool) -> None:
        pixmap = tile_picture(image_path, greyed)
        if self.picture.pixmap().cacheKey() != pixmap.cacheKey():
            self.picture.setPixmap(pixmap)


_TILE_PICTURES: dict[tuple[str, bool], QPixmap] = {}


def warm_picture(image_path: str, greyed: bool) -> bool:
    """Make a tile picture ready before a tile needs it; True if that took any work."""
    if (image_path, greyed) in _TILE_PICTURES:
        return False
    tile_picture(image_path, greyed)
    return True


def tile_picture(image_path: str, greyed: bool) -> QPixmap:
    """A gift's picture at tile size, greyed or not; scaled once per picture, not per tile
    bind (scrolling re-binds tiles all the time)."""
    key = (image_path, greyed)
    cached = _TILE_PICTURES.get(key)
    if cached is None:
        source = gift_picture(image_path)
        if source is None:
            cached = theme.pixmap("redeem", 96, theme.MUTED)
        else:
            cached = source.scaled(
                QSize(96, 96),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            if greyed:
                cached = _greyed(cached)
        _TILE_PICTURES[key] = cached
    return cached


def _label(parent: QWidget, name: str, kind: str = "") -> QLabel:
    lab = QLabel(parent)
    if name:
        lab.setObjectName(name)
    if kind:
        lab.setProperty("kind", kind)
    lab.setWordWrap(True)
    return lab


class ElidedLabel(QLabel):
    """One line that ends in "…" when the gift's name is longer than the tile is wide (all
    rows are one height); the whole name stays in the tooltip and for screen readers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self.setToolTip(text)
            self.setAccessibleName(text)
            self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        text = self._full
        if width > 0 and self.fontMetrics().horizontalAdvance(text) > width:
            text = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
        if text != self.text():
            self.setText(text)


def _greyed(pixmap: QPixmap) -> QPixmap:
    image = pixmap.toImage().convertToFormat(pixmap.toImage().Format.Format_Grayscale8)
    out = QPixmap.fromImage(image)
    painter = QPainter(out)
    painter.fillRect(QRectF(out.rect()), QColor(250, 247, 242, 120))
    painter.end()
    return out


def star_text(level: int) -> str:
    """★★★☆☆: the shape tells filled from empty, not only the colour."""
    level = max(0, min(5, level))
    return "★" * level + "☆" * (5 - level)


_PICTURES: dict[str, QPixmap] = {}


def gift_picture(image_path: str) -> QPixmap | None:
    """A gift's picture (cached; a few KB each): bundled under assets/gifts, or an absolute
    path to one the station fetched from central (kiosk.gift_pictures.resolve)."""
    if not image_path:
        return None
    if image_path not in _PICTURES:
        from kiosk.paths import asset_path

        path = Path(image_path)
        source = path if path.is_absolute() else asset_path(f"gifts/{image_path}")
        _PICTURES[image_path] = QPixmap(str(source))
    pm = _PICTURES[image_path]
    return None if pm.isNull() else pm
