"""The strip always at the top: station name, clock, network/sync, printer, language, text size.

A 3-second press on the station name opens the staff PIN keypad (the hidden staff entry).
Sync and printer listeners call back from worker threads: their data crosses to the main
thread through queued signals and only the main thread touches the labels.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui import theme
from ui.context import AppContext
from ui.widgets import BigButton

log = logging.getLogger(__name__)

LONG_PRESS_MS = 3000
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def attr(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if obj is not None and hasattr(obj, name):
            return getattr(obj, name)
        if isinstance(obj, dict) and name in obj:
            return obj[name]
    return default


class _Relay(QObject):
    """Receives listener calls on any thread and re-emits them to the main thread."""

    sync = Signal(object)
    printer = Signal(object)

    def on_sync(self, status: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (shutdown)
            self.sync.emit(status)

    def on_printer(self, *state: object) -> None:
        with contextlib.suppress(RuntimeError):
            self.printer.emit(state[0] if len(state) == 1 else state)


class IconText(QWidget):
    """An icon and words side by side: state is never shown by colour alone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.icon = QLabel()
        self.text = QLabel()
        row.addWidget(self.icon)
        row.addWidget(self.text)

    def set(self, icon_name: str, text: str, colour: str = theme.TEXT) -> None:
        self.icon.setPixmap(theme.pixmap(icon_name, 32, colour))
        self.text.setText(text)


class StatusStrip(QFrame):
    def __init__(
        self,
        ctx: AppContext,
        on_language: Callable[[str], None],
        on_large_text: Callable[[bool], None],
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("statusStrip")
        self._now = now or (lambda: datetime.now(ZoneInfo(ctx.config.timezone)))
        self.sync_status: Any = ctx.sync.status() if ctx.sync is not None else None
        self.printer_state: Any = None
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 4, 16, 4)
        row.setSpacing(24)
        self.station = BigButton("", role="link")
        self.station.setObjectName("stationName")
        self.station.pressed.connect(self._press_started)
        self.station.released.connect(self._press_ended)
        self._long_press = QTimer(self, singleShot=True, interval=LONG_PRESS_MS)
        self._long_press.timeout.connect(self._open_staff)
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.network = IconText()
        self.network.setObjectName("networkState")
        self.printer = IconText()
        self.printer.setObjectName("printerState")
        self.lang_button = BigButton("", "language", role="secondary", icon_px=32)
        self.lang_button.setObjectName("languageToggle")
        self.lang_button.clicked.connect(
            lambda: on_language("en" if self.ctx.lang == "zh_CN" else "zh_CN")
        )
        self.text_button = BigButton("", "text-size", role="secondary", icon_px=32)
        self.text_button.setObjectName("largeTextToggle")
        self.text_button.setCheckable(True)
        self.text_button.setChecked(ctx.large_text)
        self.text_button.toggled.connect(on_large_text)
        for w in (self.station,):
            row.addWidget(w)
        row.addStretch(1)
        for w in (self.clock, self.network, self.printer, self.lang_button, self.text_button):
            row.addWidget(w)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._relay = _Relay(self)
        self._relay.sync.connect(self._on_sync)
        self._relay.printer.connect(self._on_printer)
        self._attach()
        self.retranslate()

    # -- listeners -------------------------------------------------------------------
    def _attach(self) -> None:
        if self.ctx.sync is not None and hasattr(self.ctx.sync, "add_listener"):
            self.ctx.sync.add_listener(self._relay.on_sync)
        printq = self.ctx.printq
        if printq is not None and hasattr(printq, "add_listener"):
            printq.add_listener(self._relay.on_printer)
        if printq is not None and hasattr(printq, "state"):
            try:
                self.printer_state = printq.state()
            except Exception:
                log.exception("reading the printer state failed")

    def detach(self) -> None:
        if self.ctx.sync is not None and hasattr(self.ctx.sync, "remove_listener"):
            self.ctx.sync.remove_listener(self._relay.on_sync)
        printq = self.ctx.printq
        if printq is not None and hasattr(printq, "remove_listener"):
            printq.remove_listener(self._relay.on_printer)

    def _on_sync(self, status: object) -> None:
        self.sync_status = status
        self._show_network()
        self.ctx.bus.changed.emit("sync")

    def _on_printer(self, state: object) -> None:
        self.printer_state = state
        self._show_printer()
        self.ctx.bus.changed.emit("printer")

    # -- long press ------------------------------------------------------------------
    def _press_started(self) -> None:
        self._long_press.start()

    def _press_ended(self) -> None:
        self._long_press.stop()

    def _open_staff(self) -> None:
        log.info("staff entry opened by long press")
        self.ctx.nav.go("staff.pin")

    # -- texts -----------------------------------------------------------------------
    def _tick(self) -> None:
        text = self.clock_text()
        if text != self.clock.text():
            self.clock.setText(text)

    def clock_text(self) -> str:
        now = self._now()
        if self.ctx.lang == "zh_CN":
            return f"{now.month}月{now.day}日 周{WEEKDAYS_ZH[now.weekday()]} {now:%H:%M}"
        return f"{WEEKDAYS_EN[now.weekday()]} {now.day} {MONTHS_EN[now.month - 1]} {now:%H:%M}"

    def _show_network(self) -> None:
        status = self.sync_status
        if self.ctx.sync is None and status is None:
            self.network.set("offline", self.tr("Offline mode"), theme.MUTED)
            return
        online = attr(status, "online")
        pending = int(attr(status, "pending", default=0) or 0)
        if online is None:
            self.network.set("sync", self.tr("Connecting…"))
        elif online:
            text = (
                self.tr("Online · %1 to sync").replace("%1", str(pending))
                if pending
                else self.tr("Online · all synced")
            )
            self.network.set("online", text, theme.SUCCESS)
        else:
            self.network.set(
                "offline",
                self.tr("Offline · %1 to sync").replace("%1", str(pending)),
                theme.WARNING,
            )

    def _show_printer(self) -> None:
        state = self.printer_state
        if self.ctx.printq is None and state is None:
            self.printer.set("printer-off", self.tr("No printer"), theme.MUTED)
            return
        ok = attr(state, "ok", "online", "ready", default=True if state is None else None)
        pending = int(attr(state, "pending", default=0) or 0)
        if ok:
            text = (
                self.tr("Printer ready · %1 waiting").replace("%1", str(pending))
                if pending
                else self.tr("Printer ready")
            )
            self.printer.set("printer", text)
        else:
            self.printer.set("printer-off", self.tr("Printer needs attention"), theme.DANGER)

    def retranslate(self) -> None:
        self.station.setText(self.ctx.station_name())
        self.lang_button.setText("English" if self.ctx.lang == "zh_CN" else "中文")
        self.text_button.setText(self.tr("Large text"))
        self.clock.setText(self.clock_text())
        self._show_network()
        self._show_printer()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
