"""Taps that cannot be doubled: a screen ignores taps for ``SETTLE_MS`` after it appears.

Two taps 250 ms apart on 确认提交 placed the order once, and the second tap landed on the
done screen that had just replaced the confirm screen: it went home at once and the ticket
number and pickup code were never seen. A person's second tap of a double tap comes
100-300 ms after the first; a new screen is not read (let alone tapped on purpose) within
400 ms of appearing. So every mouse press, release, double click and touch that reaches a
widget of the screen stack within ``Navigator.settle_ms`` of the last change of screen is
dropped. Keys are not: the barcode scanner types, and it never double-taps.

The status strip (language, text size) is outside the stack and is never held back.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from ui.context import AppContext

log = logging.getLogger(__name__)

TAPS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
}


class SettleGuard(QObject):
    """The app-wide filter; ``KioskWindow.install`` puts it on the application last, so
    it sees a tap before the drag-scroll and idle filters do."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dropped = 0  # taps dropped so far (tests, the log)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() not in TAPS or not isinstance(obj, QWidget):
            return False
        if self.ctx.nav.settled():
            return False
        stack = self.ctx.nav.stack
        if obj is not stack and not stack.isAncestorOf(obj):
            return False
        if event.type() == QEvent.Type.MouseButtonPress:
            self.dropped += 1
            log.info(
                "tap %d ms after %s appeared: ignored", self.ctx.nav.shown_ms(), self.ctx.nav.route
            )
        return True
