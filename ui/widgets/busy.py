"""A busy overlay: a turning arc and "please wait", transparent to touches."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui import theme


class Spinner(QWidget):
    def __init__(self, parent: QWidget | None = None, px: int = 72) -> None:
        super().__init__(parent)
        self.setFixedSize(px, px)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, _event: QEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(theme.ACCENT), 8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)  # QPen() takes no cap= keyword
        painter.setPen(pen)
        rect = QRectF(6, 6, self.width() - 12, self.height() - 12)
        painter.drawArc(rect, -self._angle * 16, 270 * 16)
        painter.end()


class BusyOverlay(QFrame):
    """Covers its parent while work runs; touches pass through to the screen below."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("busyOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box = QFrame(self)
        box.setObjectName("busyBox")
        col = QVBoxLayout(box)
        col.setContentsMargins(40, 24, 40, 24)
        self.spinner = Spinner(box)
        self.label = QLabel()
        col.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addWidget(self.label, 0, Qt.AlignmentFlag.AlignHCenter)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.retranslate()
        self.setVisible(False)

    def retranslate(self) -> None:
        self.label.setText(self.tr("Please wait…"))

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
            self.spinner.start()
        else:
            self.spinner.stop()
        self.setVisible(busy)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
