"""Today's figures: orders by status, redemptions, points redeemed, top gifts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from kiosk.views.staff import today
from ui.context import AppContext
from ui.screens.staff_base import StaffScreen, section_label


class Figure(QFrame):
    """A number and what it counts."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setProperty("kind", "card")
        self.setObjectName(name)
        col = QVBoxLayout(self)
        # Six in a row at 1280 px leave ~160 px for words: "volunteers" is 150 in 大字.
        col.setContentsMargins(12, 12, 12, 12)
        self.value = QLabel("–")
        self.value.setProperty("kind", "title")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel()
        self.caption.setProperty("kind", "muted")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        col.addWidget(self.value)
        col.addWidget(self.caption)


class TodayScreen(StaffScreen):
    route = "staff.today"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.figures: Any = None
        self.date_label = section_label()
        self.body.addWidget(self.date_label)
        # The six figures in one row on a landscape screen, and the day in the title there:
        # two rows of three made the page scroll at 1280x800 in large text (by 41 px in
        # English), the top gifts cut at the fold; five long English gift names still took
        # 29 px too many with the day on a line of its own. A portrait screen has the height
        # (and its title not the width) for the day's own line.
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.names = ("orders", "residents", "redemptions", "volunteers", "points", "restocked")
        self.cards = {n: Figure(f"fig_{n}") for n in self.names}
        self._columns = 0
        self._arrange(6)
        self.body.addLayout(self.grid)
        self.status_line = QLabel()
        self.status_line.setObjectName("ordersByStatus")
        self.status_line.setWordWrap(True)
        self.top_line = QLabel()
        self.top_line.setObjectName("topGifts")
        self.top_line.setWordWrap(True)
        self.body.addWidget(self.status_line)
        self.body.addWidget(self.top_line)
        self.body.addStretch(1)
        self.retranslate()

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for i, n in enumerate(self.names):
            self.grid.addWidget(self.cards[n], i // columns, i % columns)
        self._show_day()

    def _show_day(self) -> None:
        day = self.figures.day.isoformat() if self.figures is not None else ""
        wide = self._columns == 6
        self.title.setText(f"{self.tr('Today')} · {day}" if wide and day else self.tr("Today"))
        self.date_label.setText(day)
        self.date_label.setVisible(bool(day) and not wide)

    def resizeEvent(self, event: Any) -> None:
        size = event.size()
        self._arrange(6 if size.width() > size.height() else 3)
        super().resizeEvent(event)

    def refresh(self, **params: Any) -> None:
        self.ctx.ops.read_db(today, self.ctx.config.timezone, on_ok=self._show, on_err=self.fail)

    def _show(self, figures: Any) -> None:
        self.figures = figures
        self.retranslate()

    def status_names(self) -> dict[str, str]:
        return {
            "submitted": self.tr("Submitted"),
            "assigned": self.tr("Assigned"),
            "accepted": self.tr("Accepted"),
            "in_service": self.tr("In service"),
            "completed": self.tr("Completed"),
            "cancelled": self.tr("Cancelled"),
        }

    def retranslate(self) -> None:
        super().retranslate()
        self._show_day()
        captions = {
            "orders": self.tr("service requests"),
            "residents": self.tr("residents served"),
            "redemptions": self.tr("redemptions"),
            "volunteers": self.tr("volunteers redeemed"),
            "points": self.tr("points redeemed"),
            "restocked": self.tr("items restocked"),
        }
        for name, caption in captions.items():
            self.cards[name].caption.setText(caption)
        f = self.figures
        if f is None:
            self.status_line.setText("")
            self.top_line.setText("")
            return
        values = {
            "orders": f.orders_total,
            "residents": f.residents_served,
            "redemptions": f.redemptions,
            "volunteers": f.volunteers_redeemed,
            "points": f.points_redeemed,
            "restocked": f.restocked_items,
        }
        for name, value in values.items():
            self.cards[name].value.setText(str(value))
        parts = [
            f"{label} {f.orders_by_status.get(key, 0)}"
            for key, label in self.status_names().items()
        ]
        self.status_line.setText(self.tr("Requests by status: %1").replace("%1", " · ".join(parts)))
        gifts = f.top_gifts_en if self.ctx.lang == "en" else f.top_gifts
        top = " · ".join(f"{name} × {n}" for name, n in gifts) or self.tr("none yet")
        self.top_line.setText(self.tr("Top gifts: %1").replace("%1", top))
