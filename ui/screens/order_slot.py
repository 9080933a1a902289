"""点单: when would suit you, and anything we should know (optional note chips)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.orders import TIME_SLOTS
from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import fit_chips, label, scroll
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton, ChipGroup

log = logging.getLogger(__name__)


class OrderSlotScreen(FlowPage):
    route = "order.slot"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.form = OrderForm()
        self.tags: list[str] = []
        self.slots = ChipGroup([(k, k) for k in TIME_SLOTS], multi=False)
        self.slots.setObjectName("slots")
        self.slots.changed.connect(self._refresh)
        self.notes_label = label("", name="notesLabel")
        self.notes = ChipGroup([], multi=True)
        self.notes.setObjectName("notes")
        inner = QWidget()
        body = QVBoxLayout(inner)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(14)
        body.addWidget(self.slots)
        body.addWidget(self.notes_label)
        body.addWidget(self.notes)
        body.addStretch(1)
        self.col.addWidget(scroll(inner), 1)  # long English labels may need a third row
        self.next = BigButton("", "check", role="primary")
        self.next.setObjectName("nextButton")
        self.next.clicked.connect(self.submit)
        self.col.addWidget(self.next, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "form" in params:
            self.form = params["form"]
            if self.form.time_slot:
                self.slots.set_selected([self.form.time_slot])
                self.notes.set_selected(list(self.form.notes))
        if not self.tags:
            self.ctx.ops.read_db(q.note_tags, on_ok=self._tags_loaded, on_err=self.show_error)
        self._refresh()

    def _tags_loaded(self, tags: list[str]) -> None:
        self.tags = tags
        self.notes.set_items([(t, t) for t in tags])
        self.notes.set_selected(list(self.form.notes))
        self.retranslate()

    def _refresh(self) -> None:
        self.clear_error()
        self.next.setEnabled(bool(self.slots.selected()))

    def submit(self) -> None:
        chosen = self.slots.selected()
        if not chosen:
            self.show_error(self.ctx.msg("order.slot_invalid"))
            return
        form = replace(self.form, time_slot=chosen[0], notes=tuple(self.notes.selected()))
        self.ctx.nav.go(form.next_after(self.route), form=form)

    def reset(self) -> None:
        self.form = OrderForm()
        self.slots.clear()
        self.notes.clear()
        self._refresh()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("When would suit you?"))
        self.prompt.setText(
            texts.step_label(self.route, self.form.steps())
            + self.tr("Tap a time. We will call you to confirm.")
        )
        self.slots.set_labels(texts.slot_labels())
        self.notes_label.setText(self.tr("Anything we should know? (optional, tap any)"))
        self.notes.set_labels({t: texts.tag_label(t, self.zh()) for t in self.tags})
        fit_chips(self.slots)
        fit_chips(self.notes)
        self.next.setText(self.tr("Next"))
