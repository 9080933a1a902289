"""A label whose height does not follow its text, so nothing below it moves when it changes.

补货 showed the chosen gift at the top of its form: "No gift chosen yet" took one line, the
gift's name two, and every reason chip moved 41 px down under the volunteer's next tap.
``SteadyLabel`` keeps room for ``lines`` lines (or for its longest ``reserve`` text, if that
needs more) at its width and font; a text that would need more is shortened with "…" in its
``head`` part, so the part after it (a count, a stock level) stays readable.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


class SteadyLabel(QLabel):
    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines
        self._head = ""
        self._tail = ""
        self._reserve: list[str] = []
        self._probe = QLabel()  # measures a text without showing it
        self._probe.setWordWrap(True)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def set_parts(self, head: str, tail: str = "") -> None:
        """Show ``head + tail``; only ``head`` is shortened when the room is short."""
        self._head, self._tail = head, tail
        self._fit()

    def setText(self, text: str) -> None:  # type: ignore[override]
        self.set_parts(text)

    def full_text(self) -> str:
        return self._head + self._tail

    def set_reserve(self, texts: list[str]) -> None:
        """Texts this label must show whole (an instruction): their height is kept."""
        self._reserve = list(texts)
        self._fit()

    def _need(self, text: str, width: int) -> int:
        self._probe.setFont(self.font())
        self._probe.setContentsMargins(self.contentsMargins())
        self._probe.setText(text)
        return self._probe.heightForWidth(width)

    def room(self, width: int) -> int:
        self.ensurePolished()
        margins = self.contentsMargins()
        lines = QFontMetrics(self.font()).lineSpacing() * self.lines
        room = lines + margins.top() + margins.bottom()
        for text in self._reserve:
            room = max(room, self._need(text, width))
        return room

    def _fit(self) -> None:
        width = self.width()
        room = self.room(width)
        if self.minimumHeight() != room or self.maximumHeight() != room:
            self.setFixedHeight(room)
        head = self._head
        while head and self._need(head + self._tail, width) > room:
            head = head.removesuffix(ELLIPSIS)[:-1].rstrip()
            head = head + ELLIPSIS if head else ""
        QLabel.setText(self, head + self._tail)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()
