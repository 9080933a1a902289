"""Small widgets the resident and volunteer flows share (they show and emit; no I/O)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets import BigButton
from ui.widgets.drag_scroll import make_draggable
from ui.widgets.scroll import MoreBelow

log = logging.getLogger(__name__)

MARGIN = 40


def page_layout(screen: QWidget) -> QVBoxLayout:
    col = QVBoxLayout(screen)
    col.setContentsMargins(MARGIN, 20, MARGIN, 20)
    col.setSpacing(14)
    return col


def label(kind: str = "", wrap: bool = True, name: str = "") -> QLabel:
    lab = QLabel()
    if kind:
        lab.setProperty("kind", kind)
    lab.setWordWrap(wrap)
    if name:
        lab.setObjectName(name)
    return lab


def card() -> QFrame:
    frame = QFrame()
    frame.setProperty("kind", "card")
    return frame


class _Scroll(QScrollArea):
    """Asks for little height: the screen around it is laid out by preferred heights (its
    labels wrap), and a list that can scroll must not push the buttons below off screen."""

    def __init__(self) -> None:
        super().__init__()
        self.more_below = MoreBelow(self)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 120)

    def minimumSizeHint(self) -> QSize:
        # Qt's own minimum is the scroll bar's (~190 px with 48 px bars), which pushed the
        # 下一步 row below the fold at 1280x800 in large text; one row of buttons is enough
        # for a minimum, and the layout's stretch gives the list whatever height is left.
        return QSize(super().minimumSizeHint().width(), theme.TOUCH + 20)


def scroll(inner: QWidget) -> QScrollArea:
    """A scroll area a finger can drag (no scrollbar hunting)."""
    area = _Scroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(inner)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    make_draggable(area)
    return area


def columns_for(width: int, min_width: int, most: int = 6) -> int:
    return max(1, min(most, width // max(1, min_width)))


class TileGrid(QWidget):
    """Big buttons in a grid whose column count follows the width (landscape or portrait)."""

    def __init__(self, min_width: int = 360, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.min_width = min_width
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(20)
        self.tiles: list[QWidget] = []
        self._columns = 0

    def set_tiles(self, tiles: list[QWidget]) -> None:
        for old in self.tiles:
            self._grid.removeWidget(old)
            # Out of the tree now: until it is deleted it would still draw where it was, and
            # findChild (a test, the screenshot driver) would find it before its successor.
            old.setParent(None)
            old.deleteLater()
        self.tiles = list(tiles)
        self._columns = 0
        self._relayout()

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)
        # Never rearrange a layout from inside its own geometry pass: do it right after.
        if self._fitting_columns() != self._columns:
            QTimer.singleShot(0, self, self._relayout)

    def showEvent(self, event: QEvent) -> None:
        # Hidden, it got no resize while the window changed size (Qt sends that as it is
        # shown), and tiles that arrived meanwhile were laid out for the old width: arrange
        # them for this width before the first paint.
        super().showEvent(event)
        self._relayout()

    def event(self, event: QEvent) -> bool:
        # A tile's words changed size (大字 on or off): its size hint changed, and Qt asks
        # this widget's layout to redo itself; the column count may have to follow.
        request = event.type() == QEvent.Type.LayoutRequest and bool(self.tiles)
        if request and self._fitting_columns() != self._columns:
            QTimer.singleShot(0, self, self._relayout)
        return super().event(event)

    def _fitting_columns(self) -> int:
        """Columns at least ``min_width`` wide and wide enough for the widest tile's words
        ("Safety and anti-fraud" in large text was cut at 400 px: issue 13)."""
        spacing = self._grid.horizontalSpacing()
        for tile in self.tiles:
            tile.ensurePolished()  # its font comes from the stylesheet
        widest = max((t.sizeHint().width() for t in self.tiles), default=0)
        need = max(self.min_width, widest) + spacing
        return columns_for(max(self.width(), 1) + spacing, need)

    def relayout(self) -> None:
        """Recompute the columns (after ``min_width`` changed)."""
        self._columns = 0
        self._relayout()

    def _relayout(self) -> None:
        columns = self._fitting_columns()
        if columns == self._columns and all(self._grid.indexOf(t) >= 0 for t in self.tiles):
            return
        self._columns = columns
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self._grid.addWidget(tile, i // columns, i % columns)
        self._grid.setRowStretch(len(self.tiles) // columns + 1, 1)


def tile_button(
    text: str,
    icon_name: str | None,
    on_click: Callable[[], None],
    name: str = "",
    icon_px: int = 64,
) -> BigButton:
    button = BigButton(text, icon_name, role="secondary", icon_px=icon_px)
    button.setMinimumHeight(120)
    if name:
        button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: on_click())
    return button


class SplitPane(QWidget):
    """Two parts side by side on a landscape screen, one above the other on a portrait one."""

    def __init__(
        self,
        first: QWidget | QLayout,
        second: QWidget | QLayout,
        parent: QWidget | None = None,
        keypad: bool = False,
    ) -> None:
        super().__init__(parent)
        self.keypad = keypad  # the second part is a keypad: bigger keys when there is room
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(32)
        for part in (first, second):
            if isinstance(part, QLayout):
                self.box.addLayout(part, 1)
            else:
                self.box.addWidget(part, 1)
        self.second = second
        self._landscape_max = second.maximumWidth() if isinstance(second, QWidget) else 0
        if keypad and isinstance(second, QWidget):
            grow = QSizePolicy.Policy.Expanding
            for key in second.findChildren(QPushButton):
                key.setSizePolicy(grow, grow)  # keys fill the bigger portrait keypad
        # Hidden screens in the stack keep their last direction; an explicit minimum stops a
        # portrait-stacked pane from forcing its height on the landscape window.
        self.setMinimumSize(1, 1)

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)
        self._flip()

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)
        if self._wanted() != self.box.direction():
            QTimer.singleShot(0, self, self._flip)

    def _wanted(self) -> QBoxLayout.Direction:
        window = self.window()
        portrait = window.width() < window.height()
        return QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight

    def _flip(self) -> None:
        direction = self._wanted()
        if direction == self.box.direction() and self.box.property("placed"):
            return
        self.box.setProperty("placed", True)
        self.box.setDirection(direction)
        portrait = direction == QBoxLayout.Direction.TopToBottom
        # Portrait: the first part as tall as it needs, the second right below it, centred;
        # landscape: two halves, the second centred vertically.
        self.box.setStretch(0, 0 if portrait else 1)
        self.box.setStretch(1, 1)
        if isinstance(self.second, QWidget):
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            self.box.setAlignment(self.second, flags if portrait else Qt.AlignmentFlag.AlignVCenter)
            if self.keypad:
                self.second.setMaximumWidth(760 if portrait else self._landscape_max)
                self.second.setMinimumSize(720 if portrait else 0, 560 if portrait else 0)


class ValueDisplay(QLabel):
    """What was typed on the keypad, big, in a box (e.g. 138 1234 5678)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "display")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumWidth(360)
        self.placeholder = placeholder

    def show_value(self, text: str) -> None:
        """The value, or the placeholder drawn so it cannot pass for a typed number:
        muted, regular weight, body size, no letter spacing (issue 13)."""
        empty = not text
        self.setText(self.placeholder if empty else text)
        if self.property("empty") != empty:
            self.setProperty("empty", empty)
            self.style().unpolish(self)
            self.style().polish(self)

    def is_placeholder(self) -> bool:
        return bool(self.property("empty"))


def group_phone(digits: str) -> str:
    """138 1234 5678 as typed: easier to check than eleven digits in a row."""
    parts = [digits[:3], digits[3:7], digits[7:]]
    return " ".join(p for p in parts if p)


class ScanPrompt(QWidget):
    """A phone-and-beam drawing whose red line sweeps up and down: 'show your code here'."""

    def __init__(self, parent: QWidget | None = None, px: int = 220) -> None:
        super().__init__(parent)
        self._phase = 0
        self.set_size(px)
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._tick)

    def set_size(self, px: int) -> None:
        """Smaller in large text, where the words below it need the room."""
        if self.width() == px and self.height() == px and hasattr(self, "_icon"):
            return
        self.setFixedSize(px, px)
        self._icon = theme.pixmap("scan", int(px * 0.7), theme.TEXT)
        self.update()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _tick(self) -> None:
        self._phase = (self._phase + 1) % 100
        self.update()

    def paintEvent(self, _event: QEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        icon: QPixmap = self._icon
        side = icon.width() / icon.devicePixelRatio()
        offset = (self.width() - side) / 2
        painter.drawPixmap(int(offset), int(offset), icon)
        t = self._phase / 50 if self._phase < 50 else (100 - self._phase) / 50
        y = offset + side * (0.15 + 0.7 * t)
        pen = QPen(QColor(theme.ACCENT), 6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(int(offset - 10), int(y), int(offset + side + 10), int(y))
        painter.end()


class InfoRow(QWidget):
    """'Label: value' in one row of a summary card."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        self.key = label("muted", wrap=False)
        self.key.setMinimumWidth(200)
        self.value = label(name=name)
        self.value.setStyleSheet("font-weight: bold;")
        row.addWidget(self.key)
        row.addWidget(self.value, 1)

    def set(self, key: str, value: str) -> None:
        self.key.setText(key)
        self.value.setText(value)


class InfoPair(QWidget):
    """'Label value' side by side, neither wrapping: a few of them share one line in a
    ``FlowLayout`` (a narrow portrait screen puts the next pair on the next line)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.key = label("muted", wrap=False)
        self.value = label(wrap=False, name=name)
        self.value.setStyleSheet("font-weight: bold;")
        row.addWidget(self.key)
        row.addWidget(self.value)

    def set(self, key: str, value: str) -> None:
        self.key.setText(key)
        self.value.setText(value)


CHIP_FRAME = 52  # a chip's padding (2 × 20 px) and its checked border (2 × 3 px), + 6


def fit_chips(group: QWidget) -> None:
    """A chosen chip turns bold; reserve that width so its text never gets clipped. No more:
    72 px around the words put the six bilingual titles on two rows at 1280 px in English,
    and the name question's Next went half below the fold."""
    for chip in getattr(group, "buttons", {}).values():
        chip.ensurePolished()
        font = QFont(chip.font())
        font.setBold(True)
        width = QFontMetrics(font).horizontalAdvance(chip.text()) + CHIP_FRAME
        if not chip.icon().isNull():
            width += chip.iconSize().width() + 8
        chip.setMinimumWidth(width)
