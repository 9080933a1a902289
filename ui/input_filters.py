"""The kiosk's application-wide event filters behind one filter that lets only input through.

A filter installed on the application is called for every event of every object, and
each Python filter costs a call into the interpreter with the object and the event
wrapped. The kiosk had four (settle guard, drag-scroll, idle watcher, scanner), each
asking ``event.type()`` (an enum made per call) of every event: building ten gift tiles
sends ~1,100 events (ChildAdded, Polish, FontChange, Show, Move, ...), and the four
filters took ~40 % of the main thread's time from entering the gift screen to the
shelf's first paint (figure 8), and their share of every screen change and scan. They
only ever act on input (taps, touches, keys, the wheel), so this one filter passes
input events to them in the order Qt asked them before and drops the rest in one
``isinstance`` check.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QInputEvent
from PySide6.QtWidgets import QApplication


class InputFilters(QObject):
    """``filters`` first asked first; one that returns True stops the event, as Qt does."""

    def __init__(self, filters: Sequence[QObject], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filters = tuple(filters)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QInputEvent):
            return False
        return any(f.eventFilter(obj, event) for f in self._filters)
