"""A scroll area that scrolls by dragging a finger (kinetic), with a wide scroll bar, and a
fade with a chevron at its foot while more lies below.

The scroller listens to touch events; a panel that reports as a mouse drags through
``ui.widgets.drag_scroll`` (a tap still goes straight to the button under it), and the
wide scroll bar scrolls too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QWidget

from ui import theme
from ui.widgets.drag_scroll import make_draggable


class MoreBelow(QWidget):
    """The page's colour fading in over the last ``HEIGHT`` px of a list's view, and a
    chevron pointing down, while the list can scroll further down. A row cut by the
    view's edge otherwise looked like the list's end to an elderly user (the scroll bar
    alone was not seen). Taps go through it to the row beneath."""

    HEIGHT = 48

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self.setObjectName("moreBelow")
        self._area = area
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        bar = area.verticalScrollBar()
        bar.rangeChanged.connect(self._update)
        bar.valueChanged.connect(self._update)
        area.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._area and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._update()
        return False

    def _update(self) -> None:
        bar = self._area.verticalScrollBar()
        more = bar.maximum() > 0 and bar.value() < bar.maximum()
        if more:
            view = self._area.viewport().geometry()
            height = min(self.HEIGHT, view.height() // 3)
            self.setGeometry(view.left(), view.bottom() + 1 - height, view.width(), height)
            self.raise_()
        self.setVisible(more)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fade = QLinearGradient(QPointF(0, 0), QPointF(0, self.height()))
        clear, page = QColor(theme.BG), QColor(theme.BG)
        clear.setAlpha(0)
        page.setAlpha(235)
        fade.setColorAt(0, clear)
        fade.setColorAt(0.6, page)
        fade.setColorAt(1, page)
        painter.fillRect(self.rect(), fade)
        pen = QPen(QColor(theme.TEXT), 5)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        mid, low = self.width() / 2, self.height() - 10
        painter.drawPolyline(
            [QPointF(mid - 18, low - 12), QPointF(mid, low), QPointF(mid + 18, low - 12)]
        )
        painter.end()


class TouchScroll(QScrollArea):
    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        make_draggable(self)
        self.more_below = MoreBelow(self)
