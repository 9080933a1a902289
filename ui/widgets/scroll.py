"""A scroll area that scrolls by dragging a finger (kinetic), with a wide scroll bar.

The scroller listens to touch events; a panel that reports as a mouse drags through
``ui.widgets.drag_scroll`` (a tap still goes straight to the button under it), and the
wide scroll bar scrolls too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QWidget

from ui.widgets.drag_scroll import make_draggable


class TouchScroll(QScrollArea):
    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        make_draggable(self)
