"""A gift on the 积分兑换 shelf: picture, name, points, stock and limit, greyed with a reason."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import theme
from ui.screens._flow_widgets import label
from ui.widgets import BigButton

log = logging.getLogger(__name__)


class GiftTile(QFrame):
    """One gift: picture, name, points, stock, limit; greyed with the reason in words."""

    add = Signal(str)

    def __init__(self, sku: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sku = sku
        self.setProperty("kind", "card")
        self.setObjectName(f"gift_{sku}")
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 16, 16, 16)
        col.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(16)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignTop)
        self.picture.setFixedSize(96, 96)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.name = label(name="giftName")
        self.name.setStyleSheet("font-weight: bold;")
        self.points = label()
        self.points.setStyleSheet(f"color: {theme.ACCENT}; font-weight: bold;")
        self.stock = label("muted")
        self.reason = label()
        self.reason.setObjectName("giftReason")
        self.reason.setStyleSheet(f"color: {theme.DANGER}; font-weight: bold;")
        for w in (self.name, self.points, self.stock, self.reason):
            texts.addWidget(w)
        texts.addStretch(1)
        top.addWidget(self.picture)
        top.addLayout(texts, 1)
        col.addLayout(top, 1)
        self.button = BigButton("", "check", role="primary", icon_px=32)
        self.button.setObjectName(f"add_{sku}")
        self.button.clicked.connect(lambda: self.add.emit(self.sku))
        col.addWidget(self.button)

    def set_picture(self, pixmap: QPixmap | None, greyed: bool) -> None:
        if pixmap is None or pixmap.isNull():
            self.picture.setPixmap(theme.pixmap("redeem", 96, theme.MUTED))
            return
        scaled = pixmap.scaled(
            QSize(96, 96),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        if greyed:
            scaled = _greyed(scaled)
        self.picture.setPixmap(scaled)


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
    """A gift's picture from assets/gifts (cached; a few KB each)."""
    if not image_path:
        return None
    if image_path not in _PICTURES:
        from kiosk.paths import asset_path

        _PICTURES[image_path] = QPixmap(str(asset_path(f"gifts/{image_path}")))
    pm = _PICTURES[image_path]
    return None if pm.isNull() else pm
