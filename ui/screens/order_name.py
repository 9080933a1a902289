"""点单: how should we address you? A surname grid and a title (张阿姨), no typing."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.orders import SURNAMES, TITLES
from ui import theme
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import MARGIN, columns_for, fit_chips, label, scroll
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton, ChipGroup, PickerGrid

log = logging.getLogger(__name__)


class OrderNameScreen(FlowPage):
    route = "order.name"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.form = OrderForm()
        self.surnames = PickerGrid([(s, s) for s in SURNAMES], columns=12)
        self.surnames.picked.connect(lambda _key: self._refresh())
        self.title_label = label("", name="titleLabel")
        self.titles = ChipGroup([(t, t) for t in TITLES], multi=False)
        self.titles.changed.connect(self._refresh)
        holder = QWidget()  # keeps the surname rows together at the top of a tall screen
        rows = QVBoxLayout(holder)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addWidget(self.surnames)
        rows.addStretch(1)
        self.surname_scroll = scroll(holder)
        self.col.addWidget(self.surname_scroll, 1)
        self.col.addWidget(self.title_label)
        self.col.addWidget(self.titles)
        row = QHBoxLayout()
        self.preview = label("", name="honorificPreview")
        self.preview.setStyleSheet("font-weight: bold;")
        self.next = BigButton("", "check", role="primary")
        self.next.setObjectName("nextButton")
        self.next.clicked.connect(self.submit)
        row.addWidget(self.preview, 1)
        row.addWidget(self.next, 0, Qt.AlignmentFlag.AlignRight)
        self.col.addLayout(row)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "form" in params:
            self.form = params["form"]
            if self.form.title:
                self.surnames.set_value(self.form.surname)
                self.titles.set_selected([self.form.title])
        self._refresh()
        self.retranslate()  # the step counter follows this order's form (address or not)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_columns)  # not inside the geometry pass

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # A hidden screen gets its resize (the window changed size meanwhile) only now, as it
        # is shown: fit the columns before the first paint, not one frame later (the grid
        # of the previous size showed cut at 1280x800 after 1920x1080), and again once the
        # sizes have settled.
        self._fit_columns()
        QTimer.singleShot(0, self, self._fit_columns)

    def _room(self) -> int:
        bar = self.surname_scroll.verticalScrollBar().sizeHint().width()
        return self.width() - 2 * MARGIN - max(bar, theme.SCROLLBAR)

    def _columns(self) -> int:
        """As many columns as fit beside the list's scroll bar. Measured from the buttons
        themselves: in large text at 1280x800 a fixed 110 px guess put the last column
        under the scroll bar (issue 13 point 7)."""
        gap = self.surnames.spacing()
        widest = max((b.sizeHint().width() for b in self.surnames.buttons.values()), default=110)
        return columns_for(self._room() + gap, widest + gap, most=12)

    def _fit_columns(self) -> None:
        columns = self._columns()
        chosen = self.surnames.value()
        if columns != self.surnames.columns:
            self.surnames.set_columns(columns)
        # The grid's own minimum decides in the end (a bold chosen name is wider).
        while self.surnames.columns > 1 and self.surnames.minimumSizeHint().width() > self._room():
            self.surnames.set_columns(self.surnames.columns - 1)
        self.surnames.set_value(chosen)

    def honorific(self) -> str:
        title = (self.titles.selected() or [""])[0]
        if not title:
            return ""
        return f"{self.surnames.value() or ''}{title}"

    def _refresh(self) -> None:
        self.clear_error()
        value = self.honorific()
        self.preview.setText(
            self.tr("We will call you: %1").replace("%1", value)
            if value
            else self.tr("Choose a title above (the surname is optional).")
        )
        self.next.setEnabled(bool(value))

    def submit(self) -> None:
        title = (self.titles.selected() or [""])[0]
        if not title:
            self.show_error(self.ctx.msg("order.honorific_required"))
            return
        form = replace(self.form, surname=self.surnames.value() or "", title=title)
        self.ctx.nav.go(form.next_after(self.route), form=form)

    def reset(self) -> None:
        self.form = OrderForm()
        self.surnames.clear()
        self.titles.clear()
        self._refresh()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("How should we address you?"))
        self.prompt.setText(
            texts.step_label(self.route, self.form.steps())
            + self.tr("Tap your surname, then a title.")
        )
        self.title_label.setText(self.tr("Title"))
        self.titles.set_labels(texts.title_labels(TITLES, self.zh()))
        fit_chips(self.titles)
        self.next.setText(self.tr("Next"))
        self._refresh()
        QTimer.singleShot(0, self, self._fit_columns)  # text size changes the buttons' width
