"""The kiosk window: the status strip on top, the screens below, busy and idle overlays.

Full-screen and frameless in kiosk mode; it cannot be closed except by a technician
("leave kiosk mode" in the staff settings), which calls ``allow_close()`` first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from ui import theme
from ui.context import AppContext
from ui.i18n import Translations
from ui.idle import IdleWatcher
from ui.input_filters import InputFilters
from ui.screen import Screen
from ui.settle import SettleGuard
from ui.status_strip import StatusStrip
from ui.widgets import BusyOverlay
from ui.widgets.drag_scroll import DragScroll

if TYPE_CHECKING:
    from ui.services import Authoriser, PrintQueueService, StoreAccess, SyncService

log = logging.getLogger(__name__)

BUSY_DELAY_MS = 250


class KioskWindow(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        translations: Translations | None = None,
        screens: list[type[Screen]] | None = None,
        font_family: str | None = None,
    ) -> None:
        super().__init__()
        from ui.screens import SCREENS

        self.ctx = ctx
        self.translations = translations
        self.font_family = font_family
        self._closable = False
        self.setObjectName("kioskRoot")
        self.setWindowTitle(ctx.config.station_name)
        self.strip = StatusStrip(ctx, self.set_language, self.set_large_text)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.strip)
        col.addWidget(ctx.nav.stack, 1)
        if screens is not None:
            for cls in screens:
                ctx.nav.register(cls)
        else:
            for route, path in SCREENS.items():
                ctx.nav.register_path(route, path)
        self.busy = BusyOverlay(ctx.nav.stack)
        # Quick work (most store reads) finishes before the overlay would flash up.
        self._busy_delay = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_delay.timeout.connect(lambda: self.busy.set_busy(self.ctx.ops.busy))
        ctx.ops.busy_changed.connect(self._busy_changed)
        self.idle = IdleWatcher(ctx, self)
        self.drag = DragScroll(self)
        self.settle = SettleGuard(ctx, self)
        # Asked in this order (a dropped tap is not a drag); one application filter for
        # the four (see ui.input_filters).
        self.filters = InputFilters([self.settle, self.drag, self.idle, ctx.scanner], self)
        self.idle.expired.connect(self._restore_defaults)
        ctx.nav.home()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_delay.start()
        else:
            self._busy_delay.stop()
            self.busy.set_busy(False)

    # -- wiring to the application ---------------------------------------------------
    def attach_services(
        self,
        store: StoreAccess,
        *,
        sync: SyncService | None = None,
        printq: PrintQueueService | None = None,
        authoriser: Authoriser | None = None,
    ) -> None:
        """The store and workers arrive once home has been painted (ui.app.run_app)."""
        self.ctx.attach_services(store, sync=sync, printq=printq, authoriser=authoriser)
        self.strip.attach_services()

    def install(self, app: QApplication) -> None:
        """Start the app-wide filters (settle, drag, idle, scanner). Call once the window
        exists."""
        self.filters.install(app)
        self.idle.poke()

    def uninstall(self, app: QApplication) -> None:
        self.filters.uninstall(app)
        self.drag.uninstall(app)  # forgets a press in progress
        self.strip.detach()

    # -- language and text size ------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == self.ctx.lang and (self.translations is None or self.translations.lang == lang):
            return
        log.info("language %s", lang)
        self.ctx.lang = lang
        if self.translations is not None:
            self.translations.switch(lang)  # LanguageChange reaches every widget
        self.strip.retranslate()
        self.ctx.nav.retranslate_all()
        self.ctx.bus.changed.emit("language")

    def set_large_text(self, large: bool) -> None:
        if large == self.ctx.large_text and self.strip.text_button.isChecked() == large:
            return
        self.ctx.large_text = large
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, large, self.font_family)
        if self.strip.text_button.isChecked() != large:
            self.strip.text_button.setChecked(large)
        self.ctx.bus.changed.emit("large_text")

    def _restore_defaults(self) -> None:
        """After an idle reset the next person starts in the station's language and size."""
        self.set_language(self.ctx.config.language)
        self.set_large_text(self.ctx.config.large_text)

    # -- kiosk mode ------------------------------------------------------------------
    def show_kiosk(self, windowed: bool = False) -> None:
        if windowed:
            self.resize(1280, 800)
            self.show()
            return
        self.setWindowFlags(
            self.windowFlags()
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        # A kiosk's X session often has no window manager, and then nobody honours the
        # full-screen request: cover the screen ourselves, and follow it if it changes.
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
            screen.geometryChanged.connect(self.setGeometry)
        self.showFullScreen()

    def allow_close(self) -> None:
        self._closable = True

    def leave_kiosk(self) -> None:
        """A technician leaves kiosk mode: the window closes and the app ends."""
        self.allow_close()
        self.close()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Hidden screens learn the new size too, so each arranges itself for it (portrait or
        landscape) before it is shown."""
        super().resizeEvent(event)
        size = self.ctx.nav.stack.size()
        if size.isValid() and size.width() > 0:
            for screen in self.ctx.nav.screens():
                if screen is not self.ctx.nav.current:
                    screen.resize(size.expandedTo(screen.minimumSizeHint()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closable or not self.isFullScreen():
            event.accept()
            return
        log.warning("close refused: kiosk mode (a technician can leave it from staff settings)")
        event.ignore()
