"""What the flows' last screens share: home after 30 s or on any tap, and whether the
receipt printed. Texts stay in the screens themselves: PySide looks ``tr()`` strings up
under the class that calls it, so this mixin must not translate anything."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from ui.context import AppContext
from ui.screens._flow_widgets import label
from ui.screens._print_status import PrintWatch
from ui.widgets import BigButton

HOME_AFTER_S = 30


class DoneMixin:
    """Mix in before ``FlowPage``; call ``_setup_done`` at the end of ``__init__``. The
    screen provides ``_shown()``, ``_countdown_text()`` and ``retranslate()``."""

    ctx: AppContext
    col: QVBoxLayout
    left_s: int
    print_state: str

    def _setup_done(self, ctx: AppContext) -> None:
        """The countdown beside the done button (one row, not two) at the foot of the page,
        and the timer and print watch behind them."""
        self.countdown = label("muted", name="countdown")
        self.done = BigButton("", "check", role="primary")
        self.done.setObjectName("doneButton")
        self.done.clicked.connect(ctx.nav.home)
        # The done button sits in the left third: the confirm button that led here took the
        # right two thirds, and the second tap of a double tap must not land on 完成.
        bottom = QHBoxLayout()
        bottom.addWidget(self.done, 1)
        bottom.addWidget(self.countdown, 2)
        self.col.addLayout(bottom)
        self.left_s = HOME_AFTER_S
        self.print_state = "none"
        self.watch = PrintWatch(ctx, self)  # type: ignore[arg-type]
        self.watch.state.connect(self._print_state)
        self.timer = QTimer(self)  # type: ignore[arg-type]
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    def _shown(self) -> Any:
        """What the screen is showing (the order, the redemption), None when cleared."""
        raise NotImplementedError

    def _start_done(self, print_job_id: str | None) -> None:
        self.left_s = HOME_AFTER_S
        self.timer.start()
        self.watch.watch(print_job_id)

    def _stop_done(self) -> None:
        self.timer.stop()
        self.watch.stop()
        self.print_state = "none"

    def leave(self) -> None:
        self.timer.stop()
        self.watch.timer.stop()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._shown() is not None:
            self.ctx.nav.home()
        super().mousePressEvent(event)  # type: ignore[misc]

    def _tick(self) -> None:
        self.left_s -= 1
        if self.left_s <= 0:
            self.timer.stop()
            self.ctx.nav.home()
            return
        self._countdown_text()  # type: ignore[attr-defined]

    def _print_state(self, state: str) -> None:
        self.print_state = state
        self.retranslate()  # type: ignore[attr-defined]
