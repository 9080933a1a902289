"""Scrolling by dragging a finger on touch panels that report as a mouse.

Many kiosk touch panels (single-touch USB panels under X) send mouse events, not touch
events: QScroller's touch gesture never sees them, and an elderly resident will not find
the scroll bar. This app-wide filter turns a vertical drag that starts inside a
registered scroll area into scrolling that area. A tap stays a tap: nothing happens until
the finger has moved ``THRESHOLD`` pixels, and a drag that began on a button lets go of
that button, so lifting the finger never presses it.

Real touch events (and the mouse events Qt makes from them) are left to QScroller.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QInputDevice, QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

log = logging.getLogger(__name__)

THRESHOLD = 24  # px: a fingertip that wobbles on a tap is not a drag

_areas: weakref.WeakSet[QAbstractScrollArea] = weakref.WeakSet()


def make_draggable(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """Let a mouse-reporting touch panel drag this area's contents up and down."""
    _areas.add(area)
    return area


def _area_at(widget: QWidget | None) -> QAbstractScrollArea | None:
    """The innermost registered area around ``widget`` that has something to scroll."""
    while widget is not None:
        parent = widget.parentWidget()
        if (
            isinstance(parent, QAbstractScrollArea)
            and parent in _areas
            and widget is parent.viewport()
            and parent.verticalScrollBar().maximum() > 0
        ):
            return parent
        widget = parent
    return None


@dataclass
class _Press:
    stamp: int  # the press's timestamp: the same press is seen again on each parent
    area: QAbstractScrollArea
    y: float
    value: int
    dragging: bool = False


class DragScroll(QObject):
    """The filter; ``KioskWindow.install`` puts one on the application."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._press: _Press | None = None

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)
        self._press = None

    @property
    def dragging(self) -> bool:
        return self._press is not None and self._press.dragging

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.MouseButtonRelease,
        ) or not isinstance(event, QMouseEvent):
            return False
        if event.device().type() == QInputDevice.DeviceType.TouchScreen:
            return False  # a real touch: QScroller's
        if kind == QEvent.Type.MouseButtonPress:
            return self._pressed(obj, event)
        if kind == QEvent.Type.MouseMove:
            return self._moved(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = None  # the button under a drag is no longer down: no click
        return False

    def _pressed(self, obj: QObject, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton or not isinstance(obj, QWidget):
            return False
        if self._press is not None and self._press.stamp == event.timestamp():
            return False  # a child ignored this press and Qt offers it to its parent
        area = _area_at(obj)
        self._press = (
            _Press(
                event.timestamp(),
                area,
                event.globalPosition().y(),
                area.verticalScrollBar().value(),
            )
            if area is not None
            else None
        )
        return False

    def _moved(self, event: QMouseEvent) -> bool:
        press = self._press
        if press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return False
        dy = event.globalPosition().y() - press.y
        if not press.dragging:
            if abs(dy) < THRESHOLD:
                return False
            press.dragging = True
            self._let_go_of_button(event)
        bar = press.area.verticalScrollBar()
        bar.setValue(int(press.value - dy))
        return True  # the button under the finger must not see the move (it would re-press)

    @staticmethod
    def _let_go_of_button(event: QMouseEvent) -> None:
        widget = QApplication.widgetAt(event.globalPosition().toPoint())
        grabber = QWidget.mouseGrabber()
        for start in (grabber, widget):
            while start is not None and not isinstance(start, QAbstractButton):
                start = start.parentWidget()
            if start is not None and start.isDown():
                start.setDown(False)
