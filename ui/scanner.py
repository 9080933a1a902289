"""Recognise a keyboard-wedge barcode scanner among ordinary key presses.

A scanner "types" its code very fast and ends with Enter. The filter is installed on the
application and watches key presses that reach the focus widget (or the window when
nothing has focus). A *burst* is at least ``MIN_CHARS`` printable characters, each less
than ``MAX_GAP_S`` after the previous one, followed — also within ``MAX_GAP_S`` — by
Enter. A burst is emitted as ``scanned(text)``; the navigator hands it to the current
screen if that screen ``accepts_scans``.

* A focused text field (QLineEdit, QTextEdit, spin box) gets its keys untouched and no scan
  is recognised there.
* A slow typist (gaps ≥ 50 ms) never produces a scan: each slow key restarts the buffer.
* Times come from ``clock(event)``; the default uses the event's own timestamp (so a busy
  main thread that delivers queued keys late cannot turn typing into a burst); tests pass
  a fake clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

log = logging.getLogger(__name__)

MAX_GAP_S = 0.050
MIN_CHARS = 4
MAX_CHARS = 4096
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# A wedge scanner presses Shift for every capital letter, as a keyboard would; these
# presses carry no text and must neither break nor end a burst.
MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
)
TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)

Clock = Callable[[QKeyEvent], float]


def event_clock(event: QKeyEvent) -> float:
    stamp = event.timestamp()
    return stamp / 1000.0 if stamp else time.monotonic()


class ScannerFilter(QObject):
    scanned = Signal(str)

    def __init__(self, clock: Clock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Clock = clock or event_clock
        self._buffer: list[str] = []
        self._last = 0.0

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)

    def clear(self) -> None:
        self._buffer.clear()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QWidget):
            return False
        if not self._first_receiver(obj):
            return False
        if isinstance(obj, TEXT_FIELDS):
            self._buffer.clear()
            return False
        return self.feed(event)  # type: ignore[arg-type]

    @staticmethod
    def _first_receiver(obj: QWidget) -> bool:
        """A key event propagates to parents; look at it only where it first lands."""
        focus = QApplication.focusWidget()
        if focus is not None:
            return obj is focus
        return obj.isWindow()

    def feed(self, event: QKeyEvent) -> bool:
        """Process one key press; True when the key was part of a burst (swallowed)."""
        if event.key() in MODIFIER_KEYS:
            return bool(self._buffer)
        now = self.clock(event)
        gap = now - self._last
        self._last = now
        if event.key() in ENTER_KEYS:
            burst = "".join(self._buffer)
            self._buffer.clear()
            if len(burst) >= MIN_CHARS and gap < MAX_GAP_S:
                log.info("scanner burst of %d chars", len(burst))
                self.scanned.emit(burst)
                return True
            return False
        text = event.text()
        if not text or not text.isprintable() or len(text) != 1:
            self._buffer.clear()
            return False
        if gap >= MAX_GAP_S or len(self._buffer) >= MAX_CHARS:
            self._buffer.clear()
        self._buffer.append(text)
        return True
