"""'Printed or queued': follows one print job until it is done or clearly stuck."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from kiosk.views import orders as q
from ui.context import AppContext

log = logging.getLogger(__name__)

POLL_MS = 1000
MAX_POLLS = 8  # after this a receipt still not printed counts as queued


class PrintWatch(QObject):
    """Emits ``state(str)``: printing | done | queued | none."""

    state = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job_id: str | None = None
        self.polls = 0
        self.current = "none"
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        ctx.bus.changed.connect(self._on_changed)

    def watch(self, job_id: str | None) -> None:
        self.job_id = job_id
        self.polls = 0
        self._set("printing" if job_id else "none")
        if job_id:
            self.poll()
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.job_id = None
        self.current = "none"

    def poll(self) -> None:
        screen = self.parent()
        if not self.job_id or (isinstance(screen, QWidget) and not screen.isVisible()):
            self.timer.stop()  # nobody is looking: stop asking
            return
        self.polls += 1
        job_id = self.job_id
        self.ctx.ops.read_db(
            q.print_state,
            job_id,
            busy=False,
            on_ok=lambda s: self._got(job_id, s),
            on_err=self._err,
        )

    def _got(self, job_id: str, state: str) -> None:
        if not shiboken6.isValid(self) or job_id != self.job_id:
            return  # the screen went away while the query ran
        if state == "done":
            self.timer.stop()
            self._set("done")
        elif state == "failed" or self.polls >= MAX_POLLS:
            self.timer.stop()
            self._set("queued")
        else:
            self._set("printing")

    def _err(self, _err: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.timer.stop()
        self._set("queued")

    def _on_changed(self, what: str) -> None:
        if what == "printer" and self.job_id and self.current == "printing":
            self.poll()

    def _set(self, state: str) -> None:
        self.current = state
        self.state.emit(state)
