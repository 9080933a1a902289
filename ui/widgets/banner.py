"""Messages: always an icon and words, never colour alone — and never a jump under a finger.

``MessageSlot`` reserves a fixed height for one message (an error, or a success notice)
whether or not one is showing. A message that appeared by growing the layout pushed the
keypad 44 px down (88 px on the staff PIN screen) and back on the next key, so a resident's
next tap landed on another key ("1234567890" came out as "145 6789 01"). The slot's height
is that of ``LINES`` lines of the message font (or of the prompt it stands in for, if that
is taller); it changes with the text size, never with a message.

A flow screen's slot shows its prompt while there is no message: the message takes the
prompt's place (it says what to do now) instead of taking room from the keypad.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStackedLayout, QWidget

from ui import theme

LINES = 2  # a message may wrap once; its box is this many lines tall
ICON_PX = 44
MARGIN_V = 12
BORDER = 2


class _Message(QFrame):
    """One kind of message box: an icon and up to ``LINES`` lines of words."""

    def __init__(
        self, name: str, label_name: str, icon: str, colour: str, slot: MessageSlot | None
    ) -> None:
        super().__init__()
        self._slot = slot
        self.setObjectName(name)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, MARGIN_V, 20, MARGIN_V)
        row.setSpacing(16)
        self.icon = QLabel()
        self.icon.setPixmap(theme.pixmap(icon, ICON_PX, colour))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName(label_name)
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        if slot is None:
            self.setVisible(False)

    def show(self, text: str = "") -> None:  # type: ignore[override]
        """Show ``text`` (already translated) with the icon."""
        if text:
            self.label.setText(text)
        if self._slot is not None:
            self._slot.show_message(self)
        else:
            self.setVisible(True)

    def hide(self) -> None:
        self.label.clear()
        if self._slot is not None:
            self._slot.clear_message(self)
        else:
            self.setVisible(False)

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    # In a slot the box's height is fixed: it must not tell the slot's stacked layout that a
    # longer text needs more (QStackedLayout asks every page's heightForWidth).
    def hasHeightForWidth(self) -> bool:
        return self._slot is None and super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return super().heightForWidth(width) if self._slot is None else -1

    def box_height(self, lines: int = LINES) -> int:
        """The height of this box with ``lines`` lines of text in its current font."""
        self.label.ensurePolished()
        lines = QFontMetrics(self.label.font()).lineSpacing() * lines
        return max(ICON_PX, lines) + 2 * (MARGIN_V + BORDER)


class ErrorBanner(_Message):
    """A warning icon and words on a light red box (``banner.show(text)``, ``hide()``)."""

    def __init__(self, parent: QWidget | None = None, slot: MessageSlot | None = None) -> None:
        super().__init__("errorBanner", "errorText", "warning", theme.DANGER, slot)
        if parent is not None:
            self.setParent(parent)


class Notice(_Message):
    """A success line: a check icon and words (``show_text(text)``, ``clear()``)."""

    def __init__(self, slot: MessageSlot | None = None) -> None:
        super().__init__("notice", "noticeText", "check", theme.SUCCESS, slot)
        self.label.setProperty("kind", "success")

    def show_text(self, text: str) -> None:
        self.show(text)

    def clear(self) -> None:
        self.hide()


class MessageSlot(QWidget):
    """Fixed room for one message: ``slot.error`` and ``slot.notice`` show in it in turn.

    ``base`` (a flow screen's prompt) is shown while no message is; without it the slot is
    empty space. The slot's height is fixed (``setFixedHeight``) at the taller of a message
    box and the prompt at the slot's width; it is measured again when the width, the font
    or the prompt's text changes, never when a message comes or goes."""

    def __init__(
        self, base: QLabel | None = None, parent: QWidget | None = None, lines: int = LINES
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageSlot")
        self.lines = lines
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.base: QWidget = base if base is not None else QWidget()
        self.error = ErrorBanner(slot=self)
        self.notice = Notice(slot=self)
        for w in (self.base, self.error, self.notice):
            self._stack.addWidget(w)
        self._stack.setCurrentWidget(self.base)
        self._collapsed = False
        # The message font follows the text size (large text): re-measure when it changes.
        for w in (self.error.label, self.notice.label, self.base):
            w.installEventFilter(self)
        self._fit()

    def _wanted(self, width: int) -> int:
        h = max(self.error.box_height(self.lines), self.notice.box_height(self.lines))
        if isinstance(self.base, QLabel) and width > 0:
            self.base.ensurePolished()
            h = max(h, self.base.heightForWidth(width))
        return h

    def _fit(self) -> None:
        box = max(self.error.box_height(self.lines), self.notice.box_height(self.lines))
        for message in (self.error, self.notice):
            if message.minimumHeight() != box or message.maximumHeight() != box:
                message.setFixedHeight(box)
        h = self._wanted(self.width())
        if self.minimumHeight() != h or self.maximumHeight() != h:
            self.setFixedHeight(h)

    def refit(self) -> None:
        """The prompt's text changed (it may need another line)."""
        self._fit()

    def hasHeightForWidth(self) -> bool:
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish):
            self._fit()
        return False

    def set_collapsed(self, collapsed: bool) -> None:
        """No room kept while no message shows (screens without a keypad that need the
        height, e.g. the done screens in large text); a message still gets its room."""
        self._collapsed = collapsed
        self.setVisible(not collapsed or self.message() != "")

    def show_message(self, message: _Message) -> None:
        self._stack.setCurrentWidget(message)
        self.setVisible(True)

    def clear_message(self, message: _Message) -> None:
        if self._stack.currentWidget() is message:
            self._stack.setCurrentWidget(self.base)
        if self._collapsed:
            self.setVisible(False)

    def message(self) -> str:
        """The text showing now ('' when none)."""
        current = self._stack.currentWidget()
        return current.label.text() if isinstance(current, _Message) else ""


class PromptLabel(QLabel):
    """A flow screen's prompt: tells its slot when a new text may need another line."""

    def setText(self, text: str) -> None:  # type: ignore[override]
        if text == self.text():
            return
        super().setText(text)
        slot = self.parentWidget()
        if isinstance(slot, MessageSlot):
            slot.refit()
