"""Idle reset: nobody's data stays on screen for the next person.

After ``idle_timeout_s`` without a touch on a flow screen, a "Still there?" overlay counts
down ``COUNTDOWN_S`` seconds; a touch anywhere keeps the person's work, reaching zero goes
home with every screen reset. On staff screens (after the PIN), the admin locks itself
after ``admin_idle_timeout_s`` without the countdown. Home itself never times out.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.widgets import BigButton

log = logging.getLogger(__name__)

COUNTDOWN_S = 10
ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}
ADMIN_PREFIX = "staff."
ADMIN_OPEN_ROUTES = ("staff.pin",)  # before sign-in: the ordinary countdown


class IdleOverlay(QFrame):
    """The "Still there?" countdown, covering the window."""

    stay = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        box = QFrame(self)
        box.setObjectName("idleBox")
        box.setMinimumWidth(560)
        col = QVBoxLayout(box)
        col.setContentsMargins(56, 40, 56, 40)
        col.setSpacing(24)
        self.title = QLabel()
        self.title.setProperty("kind", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seconds = QLabel()
        self.seconds.setObjectName("idleSeconds")
        self.seconds.setProperty("kind", "huge")
        self.seconds.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = BigButton("", "check")
        self.button.setObjectName("idleStay")
        self.button.clicked.connect(self.stay)
        for w in (self.title, self.seconds, self.hint, self.button):
            col.addWidget(w)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignCenter)
        outer.addStretch(1)
        self.remaining = COUNTDOWN_S
        self.setVisible(False)
        self.retranslate()

    def set_remaining(self, seconds: int) -> None:
        self.remaining = seconds
        self.seconds.setText(str(seconds))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Still there?"))
        self.hint.setText(
            self.tr(
                "Tap anywhere to continue. Otherwise we go back to the start "
                "and clear what you entered."
            )
        )
        self.button.setText(self.tr("I'm still here"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class IdleWatcher(QObject):
    """Application-wide activity filter plus the timers. Times are injectable for tests."""

    expired = Signal()  # went home after the countdown (or admin locked)

    def __init__(self, ctx: AppContext, host: QWidget, *, tick_ms: int = 1000) -> None:
        super().__init__(host)
        self.ctx = ctx
        self.host = host
        self.overlay = IdleOverlay(host)
        self.overlay.stay.connect(self.poke)
        host.installEventFilter(self)
        self.idle_ms = ctx.config.idle_timeout_s * 1000
        self.admin_ms = ctx.config.admin_idle_timeout_s * 1000
        ctx.bus.changed.connect(self._changed)
        self._idle = QTimer(self, singleShot=True)
        self._idle.timeout.connect(self._timed_out)
        self._tick = QTimer(self, interval=tick_ms)
        self._tick.timeout.connect(self._count_down)
        ctx.nav.navigated.connect(lambda _route: self.poke())

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)

    def set_timeouts(self, idle_ms: int, admin_ms: int, tick_ms: int) -> None:
        self.idle_ms, self.admin_ms = idle_ms, admin_ms
        self._tick.setInterval(tick_ms)
        self.poke()

    def _changed(self, what: str) -> None:
        if what == "settings":  # staff changed the timeouts: the next countdown uses them
            self.set_timeouts(
                self.ctx.config.idle_timeout_s * 1000,
                self.ctx.config.admin_idle_timeout_s * 1000,
                self._tick.interval(),
            )

    @property
    def counting(self) -> bool:
        return self.overlay.isVisible()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.host and event.type() == QEvent.Type.Resize:
            self.overlay.setGeometry(self.host.rect())
        elif event.type() in ACTIVITY:
            self.poke()
        return False

    def poke(self) -> None:
        """Someone is there: hide the countdown and start the idle clock again."""
        if self.counting:
            self._tick.stop()
            self.overlay.setVisible(False)
        screen = self.ctx.nav.current
        if screen is None or not screen.flow:
            self._idle.stop()
            return
        self._idle.start(self.admin_ms if self._is_admin(screen.route) else self.idle_ms)

    @staticmethod
    def _is_admin(route: str) -> bool:
        return route.startswith(ADMIN_PREFIX) and route not in ADMIN_OPEN_ROUTES

    def _timed_out(self) -> None:
        screen = self.ctx.nav.current
        if screen is None or not screen.flow:
            return
        if self._is_admin(screen.route):
            log.info("staff admin locked after %d ms idle", self.admin_ms)
            self._go_home()
            return
        self.overlay.set_remaining(COUNTDOWN_S)
        self.overlay.setGeometry(self.host.rect())
        self.overlay.raise_()
        self.overlay.setVisible(True)
        self._tick.start()

    def _count_down(self) -> None:
        left = self.overlay.remaining - 1
        self.overlay.set_remaining(left)
        if left <= 0:
            log.info("idle reset from %s", self.ctx.nav.route)
            self._go_home()

    def _go_home(self) -> None:
        self._tick.stop()
        self.overlay.setVisible(False)
        self.ctx.staff = None
        self.ctx.nav.home()
        self.expired.emit()
