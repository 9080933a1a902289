"""Staff: who is here now and today's attendance; a correction of hours with a reason."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.attendance import PresentRow, attendance_today, correct
from kiosk.clock import to_local
from ui.context import AppContext
from ui.screens.staff_base import RowList, StaffScreen, section_label
from ui.widgets import BigButton, TouchScroll

log = logging.getLogger(__name__)

# Reasons a station's staff give, as chips (typing on a touch screen is slow).
REASONS = ("forgot", "scanner", "left_early", "stayed_late")


class StaffAttendanceScreen(StaffScreen):
    route = "staff.attendance"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.hint = section_label()
        self.rows = RowList()
        self.body.addWidget(self.hint)
        self.body.addWidget(TouchScroll(self.rows), 1)
        self.items: list[PresentRow] = []
        self.editing: PresentRow | None = None
        self.hours = 0.0
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        self.editing = None
        self.ctx.ops.read_db(attendance_today, self.ctx.config, on_ok=self._show, on_err=self.fail)

    def _line(self, r: PresentRow) -> str:
        zone = self.ctx.config.timezone
        title = r.title(self.ctx.lang)
        inside = f"{to_local(r.signed_in_at, zone):%H:%M}"
        if r.signed_out_at is None:
            return (
                self.tr("%1 · %2 · here since %3")
                .replace("%1", title)
                .replace("%2", r.volunteer_name)
                .replace("%3", inside)
            )
        text = (
            self.tr("%1 · %2 · %3–%4 · %5 h")
            .replace("%1", title)
            .replace("%2", r.volunteer_name)
            .replace("%3", inside)
            .replace("%4", f"{to_local(r.signed_out_at, zone):%H:%M}")
            .replace("%5", f"{r.hours:g}")
        )
        return text + (" · " + self.tr("signed out automatically") if r.auto else "")

    def _show(self, items: list[PresentRow]) -> None:
        self.items = items
        self.rows.clear()
        for r in items:
            if r.signed_out_at is None:
                self.rows.add(self._line(r), name=f"present_{r.attendance_id}")
            else:
                self.rows.add(
                    self._line(r),
                    self.tr("Correct"),
                    lambda _=False, r=r: self._edit(r),
                    name=f"attended_{r.attendance_id}",
                )
        if not items:
            self.rows.add(self.tr("Nobody has signed in today."))

    def _edit(self, r: PresentRow) -> None:
        self.editing, self.hours = r, r.hours
        self.rows.clear()
        self.rows.add(self._line(r))
        minus = BigButton("−0.5", "minus", role="secondary")
        minus.setObjectName("hoursMinus")
        plus = BigButton("+0.5", "plus", role="secondary")
        plus.setObjectName("hoursPlus")
        self.value = self.rows.add(self._hours_text())
        minus.clicked.connect(lambda: self._step(-0.5))
        plus.clicked.connect(lambda: self._step(0.5))
        self.value.layout().addWidget(minus)
        self.value.layout().addWidget(plus)
        for key in REASONS:
            self.rows.add(
                self._reason_text(key),
                self.tr("Save with this reason"),
                lambda _=False, key=key: self._save(key),
                name=f"reason_{key}",
            )
        self.rows.add("", self.tr("Cancel"), lambda _=False: self.refresh())

    def _hours_text(self) -> str:
        return self.tr("Hours: %1").replace("%1", f"{self.hours:g}")

    def _step(self, delta: float) -> None:
        # No more than the activity lasted: the core (and central) refuse more.
        most = self.editing.span_h if self.editing is not None else 0.0
        if self.hours + delta > most:
            return
        self.hours = max(self.hours + delta, 0.0)
        label = self.value.findChild(type(self.hint))
        if label is not None:
            label.setText(self._hours_text())

    def _reason_text(self, key: str) -> str:
        return {
            "forgot": self.tr("Forgot to sign out"),
            "scanner": self.tr("Scanner did not work"),
            "left_early": self.tr("Left early"),
            "stayed_late": self.tr("Stayed to help after the end"),
        }[key]

    def _save(self, key: str) -> None:
        if self.editing is None:
            return
        self.ctx.ops.run_db(
            correct,
            self.editing.attendance_id,
            self.hours,
            self._reason_text(key),
            self.ctx.staff.id,
            on_ok=lambda _r: self._saved(),
            on_err=self.fail,
        )

    def _saved(self) -> None:
        self.notice.show_text(self.tr("Correction saved and sent to the centre."))
        self.refresh()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Attendance"))
        self.hint.setText(
            self.tr(
                "Today's sign-ins, who is here first. A correction needs a reason; "
                "it is recorded and the centre books the difference."
            )
        )
        if self.items and self.editing is None:
            self._show(self.items)
