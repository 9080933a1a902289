"""A QR code drawn straight from the ``qrcode`` matrix (no PIL round trip)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget


def qr_pixmap(payload: str, size: int = 320) -> QPixmap:
    # Imported here: qrcode pulls Pillow in, and the window imports ui.widgets before
    # its first paint while only a few later screens draw a QR code.
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.white)
    painter = QPainter(pm)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    cell = size / n
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
    painter.end()
    return pm


class QrLabel(QLabel):
    def __init__(self, payload: str = "", size: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self.payload = ""
        self.setFixedSize(size, size)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_payload(payload)

    def set_payload(self, payload: str) -> None:
        self.payload = payload
        if payload:
            self.setPixmap(qr_pixmap(payload, self._size))
        else:
            self.clear()
