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
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ui import theme
from ui.context import AppContext
from ui.widgets import BigButton

if TYPE_CHECKING:
    from kiosk.print_queue import QueueState
    from sync.status import SyncStatus

log = logging.getLogger(__name__)

LONG_PRESS_MS = 3000
STATION_MIN_PX = 240
MIN_TEXT_PX = 20  # nothing on screen is smaller (issue 13)
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _Relay(QObject):
    """Receives listener calls on any thread and re-emits them to the main thread."""

    sync = Signal(object)
    printer = Signal(object)

    def on_sync(self, status: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (shutdown)
            self.sync.emit(status)

    def on_printer(self, state: object) -> None:
        with contextlib.suppress(RuntimeError):
            self.printer.emit(state)


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
        row.addStretch(1)
        # Each state's icon drawn once: a QLabel shows its pixmap through a QIcon whose
        # scaled copy goes into QPixmapCache under the pixmap's key, so an icon drawn anew
        # at every state change (each order or redemption) left one more copy there until
        # its 10 MiB were full; the soak's RSS grew by that (docs/performance.md).
        self._drawn: dict[tuple[str, str], QPixmap] = {}

    def set(self, icon_name: str, text: str, colour: str = theme.TEXT) -> None:
        drawn = self._drawn.get((icon_name, colour))
        if drawn is None:
            drawn = self._drawn[(icon_name, colour)] = theme.pixmap(icon_name, 32, colour)
        self.icon.setPixmap(drawn)
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
        # never widen the window: the strip re-arranges itself into two rows instead
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._now = now or (lambda: datetime.now(ZoneInfo(ctx.config.timezone)))
        self.sync_status: SyncStatus | None = ctx.sync.status() if ctx.sync is not None else None
        self.printer_state: QueueState | None = None
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(24, 4, 16, 4)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(0)
        self._wide: bool | None = None
        self._station_text = ""
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
        self.station.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.states = QWidget()
        states = QHBoxLayout(self.states)
        states.setContentsMargins(0, 0, 0, 0)
        states.setSpacing(24)
        for w in (self.clock, self.network, self.printer):
            states.addWidget(w)
        states.addStretch(1)
        self.station.setStyleSheet("text-align: left; padding-left: 0;")
        self._arrange(wide=True)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._relay = _Relay(self)
        self._relay.sync.connect(self._on_sync)
        self._relay.printer.connect(self._on_printer)
        ctx.bus.changed.connect(self._on_bus)
        self._attach()
        self.retranslate()

    # -- layout ----------------------------------------------------------------------
    def _arrange(self, wide: bool) -> None:
        """One row when wide; two rows (name and toggles, then states) when narrow."""
        if wide == self._wide:
            return
        self._wide = wide
        for w in (self.station, self.states, self.lang_button, self.text_button):
            self.grid.removeWidget(w)
        if wide:
            self.grid.addWidget(self.station, 0, 0)
            self.grid.addWidget(self.states, 0, 1)
            self.grid.addWidget(self.lang_button, 0, 2)
            self.grid.addWidget(self.text_button, 0, 3)
        else:
            self.grid.addWidget(self.station, 0, 0)
            self.grid.addWidget(self.lang_button, 0, 2)
            self.grid.addWidget(self.text_button, 0, 3)
            self.grid.addWidget(self.states, 1, 0, 1, 4)
        self.grid.setColumnStretch(0, 1)

    def _wide_enough(self, width: int) -> bool:
        """One row only when the whole station name fits beside the states and toggles."""
        fixed = (self.states, self.lang_button, self.text_button)
        needed = sum(w.sizeHint().width() for w in fixed) + 24 * len(fixed) + 40
        full = QFont(self.station.font())
        full.setPixelSize(theme.sizes(self.ctx.large_text)["button"])  # before any shrinking
        name = QFontMetrics(full).horizontalAdvance(self._station_text) + 16
        return width - needed >= max(STATION_MIN_PX, name)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(wide=self._wide_enough(event.size().width()))
        super().resizeEvent(event)
        self._elide_station()

    def _elide_station(self) -> None:
        """The whole name, never "Civilizatior" (issue 13): a name too long for its place
        is drawn smaller, or on two lines, whichever keeps the bigger letters (down to the
        20 px floor); only past that is it cut with "…" (the tooltip then has it all)."""
        width = max(80, self.station.width() - 32)  # the stylesheet's right padding is 24
        height = max(theme.TOUCH, self.station.height())
        px, shown = fit_name(
            QFont(self.station.font()),
            self._station_text,
            width,
            height,
            theme.sizes(self.ctx.large_text)["button"],
        )
        # The stylesheet decides a styled widget's font, so the size goes there too.
        style = f"text-align: left; padding-left: 0; font-size: {px}px;"
        if self.station.styleSheet() != style:
            self.station.setStyleSheet(style)
        self.station.setText(shown)

    # -- listeners -------------------------------------------------------------------
    def _attach(self) -> None:
        if self.ctx.sync is not None:
            self.ctx.sync.add_listener(self._relay.on_sync)
        if self.ctx.printq is not None:
            self.ctx.printq.add_listener(self._relay.on_printer)

    def attach_services(self) -> None:
        """The sync engine and print queue started after the strip was built: listen now."""
        self.sync_status = self.ctx.sync.status() if self.ctx.sync is not None else None
        self._attach()
        self._show_network()
        self._show_printer()

    def detach(self) -> None:
        if self.ctx.sync is not None:
            self.ctx.sync.remove_listener(self._relay.on_sync)
        if self.ctx.printq is not None:
            self.ctx.printq.remove_listener(self._relay.on_printer)

    def _on_sync(self, status: SyncStatus) -> None:
        self.sync_status = status
        self._show_network()
        self.ctx.bus.changed.emit("sync")

    def _on_bus(self, what: str) -> None:
        if what == "disk":
            self._show_network()
        elif what == "large_text":  # the name's room and its full size both changed
            self._arrange(wide=self._wide_enough(self.width()))
            QTimer.singleShot(0, self, self._elide_station)  # after the new layout

    def _on_printer(self, state: QueueState) -> None:
        self.printer_state = state
        self.ctx.printer_state = state
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
        last_error = status.last_error if status is not None else None
        if getattr(self.ctx, "disk_full", False) or last_error == "sync.disk_full":
            # Not "offline": nothing is saved or sent until someone frees space.
            self.network.set("offline", self.ctx.msg("status.disk_full"), theme.DANGER)
            return
        if self.ctx.sync is None and status is None:
            self.network.set("offline", self.tr("Offline mode"), theme.MUTED)
            return
        online = status.online if status is not None else None
        pending = status.pending if status is not None else 0
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
        """``kiosk.print_queue.QueueState``: printer ok|paper_low|offline|cover_open|
        paper_out|unknown, pending."""
        state = self.printer_state
        if self.ctx.printq is None and state is None:
            self.printer.set("printer-off", self.tr("No printer"), theme.MUTED)
            return
        printer = state.printer if state is not None else "unknown"
        pending = state.pending if state is not None else 0
        if printer == "offline":
            self.printer.set("printer-off", self.tr("Printer off"), theme.DANGER)
        elif printer == "paper_out":
            self.printer.set("printer-off", self.tr("Printer: no paper"), theme.DANGER)
        elif printer == "cover_open":
            self.printer.set("printer-off", self.tr("Printer: cover open"), theme.DANGER)
        elif printer == "paper_low":
            self.printer.set("printer", self.tr("Printer: paper low"), theme.WARNING)
        elif pending:
            self.printer.set("printer", self.tr("Printer · %1 waiting").replace("%1", str(pending)))
        elif printer == "ok":
            self.printer.set("printer", self.tr("Printer ready"))
        else:
            self.printer.set("printer", self.tr("Printer"))

    def retranslate(self) -> None:
        self._station_text = self.ctx.station_name()
        self.station.setToolTip(self._station_text)
        if self.width() > 0:
            self._arrange(wide=self._wide_enough(self.width()))
        self._elide_station()
        self.lang_button.setText("English" if self.ctx.lang == "zh_CN" else "中文")
        self.text_button.setText(self.tr("Large text"))
        self.clock.setText(self.clock_text())
        self._show_network()
        self._show_printer()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def fit_name(font: QFont, text: str, width: int, height: int, largest: int) -> tuple[int, str]:
    """The largest pixel size (``largest`` down to 20) at which ``text`` fits ``width`` on
    one line, or on two lines within ``height``; the text as it is to be shown."""

    def splits() -> list[tuple[str, str]]:
        # Between words where there are words ("…Station, Donghu"), else between any two
        # characters (Chinese has no spaces); the most even split first.
        cuts = [i for i, ch in enumerate(text) if ch == " "] or list(range(1, len(text)))
        pairs = [(text[:i].rstrip(), text[i:].lstrip()) for i in cuts]
        return sorted((p for p in pairs if p[0] and p[1]), key=lambda p: abs(len(p[0]) - len(p[1])))

    px = largest
    while px >= MIN_TEXT_PX:
        font.setPixelSize(px)
        metrics = QFontMetrics(font)
        if metrics.horizontalAdvance(text) <= width:
            return px, text
        if 2 * metrics.lineSpacing() <= height:
            for first, second in splits():
                if (
                    max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
                    <= width
                ):
                    return px, f"{first}\n{second}"
        px -= 2
    font.setPixelSize(MIN_TEXT_PX)
    return MIN_TEXT_PX, QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
