"""What every screen gets: the store, config, operations, navigator, bus, scanner, language.

``AppContext`` is built once by ``ui.app`` (or by a test) and handed to each screen's
constructor. Screens reach everything through it and nothing else.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QStackedWidget

from kiosk import messages
from kiosk.clock import utcnow
from kiosk.config import Config
from kiosk.errors import KioskError
from ui.operations import Operations
from ui.scanner import ScannerFilter
from ui.widgets.drag_scroll import make_draggable

if TYPE_CHECKING:
    from kiosk.print_queue import QueueState
    from kiosk.views.staff import StaffInfo
    from ui.screen import Screen
    from ui.services import Authoriser, PrintQueueService, StoreAccess, SyncService

log = logging.getLogger(__name__)

SETTLE_MS = 400  # a new screen ignores taps this long (ui.settle): no double tap goes through
PAINT_WAIT_MS = 2000  # a screen never painted (a hidden window) takes taps again after this


class Bus(QObject):
    """One broadcast of "what changed" ("stock", "orders", "sync", "printer", "language")."""

    changed = Signal(str)


class _ScreenFrame(QScrollArea):
    """Holds one screen. A screen that needs more room than the window has (large text on a
    small display) scrolls instead of pushing the window beyond the display."""

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.setObjectName("screenFrame")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(screen)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        make_draggable(self)


class Navigator(QObject):
    """Owns the stack of screens; screens navigate by route, never by reference."""

    navigated = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        self._screens: dict[str, Screen] = {}
        # a class, or "module:Class" imported when the route is first needed
        self._factories: dict[str, type[Screen] | str] = {}
        self._frames: dict[str, QScrollArea] = {}
        self._history: list[str] = []
        self.settle_ms = SETTLE_MS
        self._shown_at = -1e9  # time.monotonic() the current screen was first painted
        self._await_paint = False

    # -- registry --------------------------------------------------------------------
    def register(self, cls: type[Screen]) -> None:
        """Know a screen class; it is built the first time it is needed (a faster start,
        less memory: most visits touch a handful of the ~35 screens)."""
        if not cls.route:
            raise ValueError(f"{cls.__name__} has no route")
        self._factories[cls.route] = cls

    def register_path(self, route: str, path: str) -> None:
        """Know a screen by ``"module:Class"``: its module is imported when first needed, so
        the start does not import every screen (and the domain modules they use)."""
        self._factories[route] = path

    def add(self, screen: Screen) -> None:
        if not screen.route:
            raise ValueError(f"{type(screen).__name__} has no route")
        self._screens[screen.route] = screen
        self._frames[screen.route] = frame = _ScreenFrame(screen)
        frame.viewport().installEventFilter(self)
        screen.installEventFilter(self)
        self.stack.addWidget(frame)

    def screen(self, route: str) -> Screen:
        """The screen for ``route``, built now if it was not yet (KeyError if unknown)."""
        found = self._screens.get(route)
        if found is None:
            factory = self._factories[route]
            if isinstance(factory, str):
                from ui.screens import load_screen

                factory = self._factories[route] = load_screen(factory)
            cls = factory
            log.debug("building screen %s", route)
            found = cls(self.ctx)
            self.add(found)
        return found

    def screens(self) -> list[Screen]:
        """The screens built so far (only these can hold anything a person entered)."""
        return list(self._screens.values())

    def build_all(self) -> None:
        for route in self._factories:
            self.screen(route)

    def has(self, route: str) -> bool:
        return route in self._screens or route in self._factories

    @property
    def current(self) -> Screen | None:
        frame = self.stack.currentWidget()
        widget = frame.widget() if isinstance(frame, QScrollArea) else None
        return widget if widget in self._screens.values() else None  # type: ignore[return-value]

    def _show(self, screen: Screen) -> None:
        frame = self._frames[screen.route]
        if self.stack.currentWidget() is not frame:
            self._shown_at = time.monotonic()
            self._await_paint = True
        self.stack.setCurrentWidget(frame)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # The settle time runs from when a person can see the new screen: its first paint.
        # Building and laying out a big screen on a busy machine took 600 ms, during which
        # the clock already ran and a double tap's second tap came "late".
        if self._await_paint and event.type() == QEvent.Type.Paint:
            frame = self.stack.currentWidget()
            if isinstance(frame, QScrollArea) and obj in (frame.viewport(), frame.widget()):
                self._await_paint = False
                self._shown_at = time.monotonic()
        return False

    def restart_settle(self) -> None:
        """The current screen put a new question in place of the last one (the address
        picker's estate → building → unit → room): the second tap of a double tap on the
        last answer must not answer the new question, so taps wait as on a new screen.
        Not until a paint: the page shown is a child of the screen, so the frame may not
        repaint, and taps would then wait the full ``PAINT_WAIT_MS``."""
        self._shown_at = time.monotonic()

    def shown_ms(self) -> int:
        """Milliseconds since the current screen appeared."""
        return int((time.monotonic() - self._shown_at) * 1000)

    def settled(self) -> bool:
        """True once the current screen has been up ``settle_ms`` (it takes taps again).
        Not before it was painted: entering it (a QR drawn, a list read) can take longer
        than the settle time on a busy machine (unless no paint comes at all: 2 s)."""
        if self.settle_ms <= 0:
            return True
        if self._await_paint and self.shown_ms() < PAINT_WAIT_MS:
            return False
        return self.shown_ms() >= self.settle_ms

    @property
    def route(self) -> str:
        current = self.current
        return current.route if current is not None else ""

    # -- navigation ------------------------------------------------------------------
    def go(self, route: str, **params: Any) -> None:
        target = self.screen(route) if self.has(route) else None
        if target is None:
            log.error("no screen for route %r", route)
            self.ctx.ops.crashed.emit("E-ROUTE")
            return
        previous = self.current
        if previous is not None and previous is not target:
            previous.leave()
            self._history.append(previous.route)
            del self._history[:-20]
        log.info("screen %s", route)
        self._show(target)
        target.enter(**params)
        self.navigated.emit(route)

    def back(self) -> None:
        route = self._history.pop() if self._history else "home"
        previous = self.current
        if previous is not None:
            previous.leave()
        target = self.screen(route)
        self._show(target)
        target.enter()
        self.navigated.emit(route)

    def home(self) -> None:
        """Back to the home screen with every screen reset (nobody's data stays)."""
        self.ctx.ops.drop_pending()
        self.reset_all()
        self._history.clear()
        if self.has("home"):
            home = self.screen("home")
            previous = self.current
            if previous is not None:
                previous.leave()
            self._show(home)
            home.enter()
            self.navigated.emit("home")

    def reset_all(self) -> None:
        for screen in self._screens.values():
            try:
                screen.reset()
            except Exception:
                log.exception("reset of %s failed", screen.route)

    def retranslate_all(self) -> None:
        for screen in self._screens.values():
            screen.retranslate()

    def deliver_scan(self, text: str) -> bool:
        current = self.current
        if current is not None and current.accepts_scans:
            current.on_scan(text)
            return True
        log.info("scan ignored on %s", self.route or "-")
        return False

    def show_error(self, code: str, reason: str = "") -> None:
        self.ctx.ops.drop_pending()
        if self.has("error"):
            self.reset_all()
            self._history.clear()
            self.go("error", code=code, reason=reason)

    def show_disk_full(self, code: str) -> None:
        """A write failed for want of space (``code``), or "": one succeeded again."""
        self.ctx.disk_full = bool(code)
        self.ctx.bus.changed.emit("disk")
        if code:
            self.show_error(code, "error.disk_full")


class AppContext:
    """The services are typed by what the UI needs of them (ui/services.py)."""

    def __init__(
        self,
        store: StoreAccess | None,
        config: Config,
        *,
        sync: SyncService | None = None,
        printq: PrintQueueService | None = None,
        authoriser: Authoriser | None = None,
        clock: Any = None,
    ) -> None:
        # None only between the first paint of home and the services' start (ui.app)
        self.store: StoreAccess | None = store
        self.config = config
        self.sync = sync  # None: a station with no server (offline only)
        self.printq = printq
        self.authoriser = authoriser  # None: offline only
        self.lang: str = config.language
        self.large_text: bool = config.large_text
        self.printer_state: QueueState | None = None  # the last one (status strip)
        self.staff: StaffInfo | None = None  # the signed-in staff member (staff screens)
        self.now = utcnow  # naive UTC now; tests set a fixed clock (which slots are open)
        self.bus = Bus()
        self.ops = Operations(store)
        self.nav = Navigator(self)
        self.scanner = ScannerFilter(clock=clock)
        self.scanner.scanned.connect(self.nav.deliver_scan)
        self.ops.crashed.connect(self.nav.show_error)
        self.ops.disk_full.connect(self.nav.show_disk_full)
        self.disk_full = False  # a write failed for want of space (status strip, staff)

    def attach_services(
        self,
        store: StoreAccess,
        *,
        sync: SyncService | None = None,
        printq: PrintQueueService | None = None,
        authoriser: Authoriser | None = None,
    ) -> None:
        """The store and workers, opened after home was first painted (ui.app.run_app)."""
        self.store = store
        self.ops.store = store
        self.sync = sync
        self.printq = printq
        self.authoriser = authoriser

    def apply_settings(self, new: Config) -> None:
        """Staff saved new settings: every screen reads ``ctx.config`` afresh and the idle
        watch re-reads its timeouts on the "settings" broadcast. Language and text size
        are start values: they apply to the next visitor (home resets them)."""
        self.config = new
        self.bus.changed.emit("settings")

    def msg(self, key: str, **params: Any) -> str:
        """A kiosk message key (kiosk.messages) in the current language."""
        return messages.text(key, self.lang, **params)

    def error_text(self, err: BaseException) -> str:
        if isinstance(err, KioskError):
            return self.msg(err.key, **err.params)
        return self.msg("error.unexpected")

    def station_name(self) -> str:
        if self.lang == "en" and self.config.station_name_en:
            return self.config.station_name_en
        return self.config.station_name
