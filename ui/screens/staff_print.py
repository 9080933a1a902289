"""Reprint a receipt, and print a test page. Both go through the persistent print queue."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from kiosk.views.staff import JobRow, enqueue_test_page, recent_jobs, reprint_job
from ui.context import AppContext
from ui.screens.staff_base import RowList, StaffScreen, section_label
from ui.widgets import BigButton, TouchScroll


def kick_printer(printq: Any) -> None:
    if printq is not None and hasattr(printq, "kick"):
        printq.kick()


class ReprintScreen(StaffScreen):
    route = "staff.reprint"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.jobs: list[JobRow] = []
        self.hint = section_label()
        self.rows = RowList()
        self.body.addWidget(self.hint)
        self.body.addWidget(TouchScroll(self.rows), 1)
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        self.ctx.ops.read_db(
            recent_jobs, self.ctx.config.timezone, on_ok=self._show, on_err=self.fail
        )

    def kind_names(self) -> dict[str, str]:
        return {
            "order_ticket": self.tr("Service ticket"),
            "redemption": self.tr("Gift receipt"),
            "restock": self.tr("Restock slip"),
            "report": self.tr("Day report"),
            "test": self.tr("Test page"),
            "attendance": self.tr("Sign-out slip"),
        }

    def state_names(self) -> dict[str, str]:
        return {
            "pending": self.tr("waiting"),
            "printing": self.tr("printing"),
            "done": self.tr("printed"),
            "failed": self.tr("not printed"),
            "interrupted": self.tr("interrupted — reprint"),
            "printed_unconfirmed": self.tr("probably printed — check the printer"),
        }

    def _show(self, jobs: list[JobRow]) -> None:
        self.jobs = jobs
        self.rows.clear()
        kinds, states = self.kind_names(), self.state_names()
        for j in jobs:
            parts = [
                j.created_local,
                kinds.get(j.kind, j.kind),
                j.title,
                states.get(j.state, j.state),
            ]
            if j.reprint_of:
                parts.append(self.tr("copy"))
            self.rows.add(
                " · ".join(p for p in parts if p),
                self.tr("Reprint"),
                lambda _=False, jid=j.id: self._reprint(jid),
                name=f"job_{j.id}",
            )
        if not jobs:
            self.rows.add(self.tr("No receipts yet."))

    def _reprint(self, job_id: str) -> None:
        # One copy per tap: the button stays greyed until the copy is queued (the rows
        # are rebuilt then) or refused (issue 13: one-shot buttons disable themselves).
        row = self.findChild(QFrame, f"job_{job_id}")
        button = row.findChild(QPushButton, "rowAction") if row is not None else None
        if button is not None:
            button.setEnabled(False)

        def refused(err: BaseException) -> None:
            self.fail(err)
            self.refresh()

        self.ctx.ops.run_db(
            reprint_job, job_id, self.ctx.staff.id, on_ok=self._queued, on_err=refused
        )

    def _queued(self, _new_id: str) -> None:
        kick_printer(self.ctx.printq)
        self.done(self.tr("The copy is in the print queue."))
        self.refresh()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Reprint a receipt"))
        self.hint.setText(self.tr("Newest first. Tap Reprint next to the receipt."))
        if self.jobs or self.rows.rows:
            self._show(self.jobs)


class PrinterTestScreen(StaffScreen):
    route = "staff.printer"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.state = QLabel()
        self.state.setObjectName("printerDetail")
        self.state.setWordWrap(True)
        self.test = BigButton("", "printer")
        self.test.setObjectName("printTest")
        self.test.clicked.connect(self._test)
        self.body.addWidget(self.state)
        self.body.addWidget(self.test)
        self.body.addStretch(1)
        ctx.bus.changed.connect(lambda what: self._describe() if what == "printer" else None)
        self.retranslate()

    def _test(self) -> None:
        self.test.setEnabled(False)  # one test page per tap, until it is queued

        def refused(err: BaseException) -> None:
            self.test.setEnabled(True)
            self.fail(err)

        self.ctx.ops.run_db(
            enqueue_test_page,
            self.ctx.config,
            self.ctx.staff.id,
            on_ok=self._queued,
            on_err=refused,
        )

    def _queued(self, _job_id: str) -> None:
        self.test.setEnabled(True)
        kick_printer(self.ctx.printq)
        self.done(self.tr("Test page sent to the print queue. Check the printer."))

    def _describe(self) -> None:
        state = self.ctx.printer_state
        lines = [
            self.tr("Connection: %1").replace(
                "%1", self.ctx.config.printer_connection or self.tr("preview files (demo)")
            )
        ]
        if self.ctx.printq is None:
            lines.append(self.tr("The print queue is not running."))
        elif state is not None:
            names = {
                "ok": self.tr("ready"),
                "offline": self.tr("off or unplugged"),
                "paper_out": self.tr("out of paper"),
                "paper_low": self.tr("paper nearly used up"),
                "cover_open": self.tr("cover open"),
                "unknown": self.tr("not reported"),
            }
            lines.append(
                self.tr("Printer: %1").replace("%1", names.get(state.printer, state.printer))
            )
            lines.append(
                self.tr("%1 waiting, %2 not printed")
                .replace("%1", str(state.pending))
                .replace("%2", str(state.failed))
            )
            unconfirmed = int(getattr(state, "unconfirmed", 0) or 0)
            if unconfirmed:
                lines.append(
                    self.tr("%1 probably printed — check the printer").replace(
                        "%1", str(unconfirmed)
                    )
                )
            if state.last_error:
                lines.append(self.ctx.msg(state.last_error))
        self.state.setText("\n".join(lines))

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Printer test"))
        self.test.setText(self.tr("Print a test page"))
        self._describe()
