"""Number fields filled from one on-screen keypad (进度查询's ticket and phone digits,
积分兑换's card number and PIN): tap a field to fill it, a full field hands on to the next
where the screen asks for it, and backspace in an empty field goes back to the one before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from ui.widgets.buttons import BigButton
from ui.widgets.keypad import NumericKeypad

CURSOR = "▏"


def _as_typed(value: str) -> str:
    return value


@dataclass(frozen=True)
class KeyField:
    name: str
    object_name: str
    max_len: int
    show: Callable[[str], str] = field(default=_as_typed)  # e.g. a PIN as dots
    next_when_full: bool = False


class KeypadFields(QObject):
    typed = Signal()  # a key was pressed (the screen clears its error message)

    def __init__(self, fields: list[KeyField], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.values = {f.name: "" for f in fields}
        self.current = fields[0].name
        self.boxes: dict[str, BigButton] = {}
        for f in fields:
            box = BigButton("", role="pick")
            box.setObjectName(f.object_name)
            box.setCheckable(True)
            box.clicked.connect(lambda _checked=False, name=f.name: self.focus(name))
            self.boxes[f.name] = box
        self.keypad = NumericKeypad()
        self.keypad.setMaximumWidth(520)
        self.keypad.digit.connect(self.type_digit)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self.clear_field)

    def value(self, name: str) -> str:
        return self.values[name]

    def set_value(self, name: str, value: str) -> None:
        self.values[name] = value
        self.refresh()

    def focus(self, name: str) -> None:
        self.current = name
        self.refresh()

    def _index(self) -> int:
        return next(i for i, f in enumerate(self.fields) if f.name == self.current)

    def type_digit(self, digit: str) -> None:
        self.typed.emit()
        i = self._index()
        f = self.fields[i]
        if len(self.values[f.name]) < f.max_len:
            self.values[f.name] += digit
        if f.next_when_full and len(self.values[f.name]) == f.max_len and i + 1 < len(self.fields):
            self.current = self.fields[i + 1].name
        self.refresh()

    def backspace(self) -> None:
        self.typed.emit()
        i = self._index()
        if not self.values[self.current] and i > 0:
            self.current = self.fields[i - 1].name
        self.values[self.current] = self.values[self.current][:-1]
        self.refresh()

    def clear_field(self) -> None:
        self.typed.emit()
        self.values[self.current] = ""
        self.refresh()

    def reset(self) -> None:
        self.values = {f.name: "" for f in self.fields}
        self.current = self.fields[0].name
        self.refresh()

    def refresh(self) -> None:
        for f in self.fields:
            here = f.name == self.current
            box = self.boxes[f.name]
            box.setText(f.show(self.values[f.name]) + (CURSOR if here else ""))
            box.setChecked(here)
