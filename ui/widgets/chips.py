"""Chips (tags) and a picker grid: choosing instead of typing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLayout, QWidget

from ui.widgets.buttons import BigButton, WrapButton
from ui.widgets.flow import FlowLayout

Item = Any  # a plain string, or (key, label), or (key, label, icon_name)


def _split(item: Item) -> tuple[Any, str, str | None]:
    if isinstance(item, tuple | list):
        key, label = item[0], item[1]
        return key, str(label), (item[2] if len(item) > 2 else None)
    return item, str(item), None


class ChipGroup(QWidget):
    """Toggle chips in a wrapping row. ``selected()`` is the list of chosen keys."""

    changed = Signal()

    def __init__(
        self, items: Iterable[Item] = (), multi: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.multi = multi
        self._layout = FlowLayout(self)
        self._group = QButtonGroup(self)
        self._group.setExclusive(not multi)
        self.buttons: dict[Any, BigButton] = {}
        self.set_items(items)

    def set_items(self, items: Iterable[Item]) -> None:
        chosen = self.selected()
        for button in self.buttons.values():
            self._group.removeButton(button)
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for item in items:
            key, label, icon_name = _split(item)
            button = BigButton(label, icon_name, role="chip")
            button.setCheckable(True)
            button.setObjectName(f"chip_{key}")
            button.toggled.connect(self.changed)
            self._group.addButton(button)
            self._layout.addWidget(button)
            self.buttons[key] = button
        self.set_selected([k for k in chosen if k in self.buttons])

    def set_labels(self, labels: dict[Any, str]) -> None:
        for key, text in labels.items():
            if key in self.buttons:
                self.buttons[key].setText(text)

    def selected(self) -> list[Any]:
        return [key for key, b in self.buttons.items() if b.isChecked()]

    def set_selected(self, keys: Sequence[Any]) -> None:
        self._group.setExclusive(False)
        for key, button in self.buttons.items():
            button.setChecked(key in keys)
        self._group.setExclusive(not self.multi)

    def clear(self) -> None:
        self.set_selected([])


class PickerGrid(QWidget):
    """A grid of big choices; tapping one emits ``picked(key)`` and marks it chosen."""

    picked = Signal(object)

    def __init__(
        self,
        items: Iterable[Item] = (),
        columns: int = 4,
        parent: QWidget | None = None,
        role: str = "pick",
        wrap: bool = False,
    ) -> None:
        super().__init__(parent)
        self.columns = self.wanted_columns = max(1, columns)
        self.role = role
        self.wrap = wrap
        self._grid = QGridLayout(self)
        self._grid.setSpacing(16)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self._group = QButtonGroup(self)
        self.buttons: dict[Any, BigButton] = {}
        self.set_items(items)

    def set_items(self, items: Iterable[Item]) -> None:
        for button in self.buttons.values():
            self._group.removeButton(button)
            self._grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for index, item in enumerate(items):
            key, label, icon_name = _split(item)
            if self.wrap:
                button: BigButton = WrapButton(label, icon_name, role=self.role)
            else:
                button = BigButton(label, icon_name, role=self.role, icon_px=56)
            button.setCheckable(True)
            button.setObjectName(f"pick_{key}")
            button.clicked.connect(lambda _=False, key=key: self.picked.emit(key))
            self._group.addButton(button)
            self._grid.addWidget(button, index // self.columns, index % self.columns)
            self.buttons[key] = button
        for column in range(self.columns):
            self._grid.setColumnStretch(column, 1)
        self._widest: int | None = None  # measured when first needed (``_fitting_columns``)

    def spacing(self) -> int:
        return self._grid.horizontalSpacing()

    def set_columns(self, columns: int) -> None:
        """Re-flow the same buttons into ``columns`` columns (keeps the chosen one)."""
        columns = max(1, columns)
        if columns == self.columns:
            return
        for column in range(max(self.columns, columns)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self.columns = columns
        for button in self.buttons.values():
            self._grid.removeWidget(button)
        for index, button in enumerate(self.buttons.values()):
            self._grid.addWidget(button, index // columns, index % columns)

    def set_labels(self, labels: dict[Any, str]) -> None:
        for key, text in labels.items():
            if key in self.buttons:
                self.buttons[key].setText(text)
        self._widest = None
        self._refit()

    def _refit(self) -> None:
        if self.wrap and self.isVisible():
            self.set_columns(self._fitting_columns(self.width()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            # Large text on or off: the buttons take their new font after this event.
            self._widest = None
            QTimer.singleShot(0, self, self._refit)  # dropped if the grid is gone by then

    def _fitting_columns(self, width: int) -> int:
        """As many of the wanted columns as leave each button room for its longest word.
        The words are measured once per labels and font, not at every resize (the staff
        gift grid holds every gift)."""
        if self._widest is None:
            self._widest = max(
                (b.needed_width() for b in self.buttons.values() if isinstance(b, WrapButton)),
                default=0,
            )
        widest = self._widest
        for columns in range(self.wanted_columns, 1, -1):
            if (width - self.spacing() * (columns - 1)) // columns >= widest:
                return columns
        return 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Wrapped labels need more height at narrow widths: ask the grid for it. A word
        wider than its column is cut, so the grid takes fewer columns first."""
        super().resizeEvent(event)
        if self.wrap:
            self.set_columns(self._fitting_columns(event.size().width()))
            needed = self._grid.heightForWidth(event.size().width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)

    def value(self) -> Any:
        for key, button in self.buttons.items():
            if button.isChecked():
                return key
        return None

    def set_value(self, key: Any) -> None:
        if key in self.buttons:
            self.buttons[key].setChecked(True)

    def clear(self) -> None:
        self._group.setExclusive(False)
        for button in self.buttons.values():
            button.setChecked(False)
        self._group.setExclusive(True)
