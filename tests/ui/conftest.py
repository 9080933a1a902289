"""UI fixtures: a kiosk context over the demo store, a controllable scanner clock.

``window`` is the whole KioskWindow (zh_CN, 1280×800, scanner and idle filters installed);
``kiosk`` is its AppContext. ``scan(text)`` sends a scanner burst (chars 10 ms
apart, then Enter) as key events; ``type_slowly(text)`` sends the same keys 200 ms apart.
Results of worker tasks: ``qtbot.waitUntil(lambda: not kiosk.ops.busy)`` or wait on a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config
from kiosk.store import Store
from ui import theme
from ui.app import register_fonts
from ui.context import AppContext
from ui.i18n import Translations
from ui.window import KioskWindow


class FakeClock:
    """Seconds the scanner filter sees; tests advance it between key events."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self, _event: QKeyEvent) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def scan_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(
    qtbot, demo_store: Store, config: Config, scan_clock: FakeClock
) -> Iterator[KioskWindow]:
    """The whole kiosk window (status strip, screens, idle and busy overlays) at 1280×800,
    zh_CN translations loaded, scanner and idle filters installed."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = register_fonts()
    theme.apply(app, config.large_text, family)
    translations = Translations(app)
    translations.switch(config.language)
    ctx = AppContext(demo_store, config, clock=scan_clock)
    win = KioskWindow(ctx, translations, font_family=family)
    # Flow tests tap as fast as the code lets them; the settle time that drops a tap in the
    # first 400 ms of a screen (ui.settle) is tested with its real value in test_fingers.py.
    ctx.nav.settle_ms = 0
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.install(app)
    yield win
    win.uninstall(app)
    ctx.ops.drop_pending()
    ctx.ops.wait_done()
    translations.clear()
    app.setStyleSheet("")


@pytest.fixture
def kiosk(window: KioskWindow) -> AppContext:
    """The AppContext of the ``window`` fixture (on the home screen)."""
    return window.ctx


def send_keys(target: QWidget, clock: FakeClock, text: str, gap: float, enter: bool = True) -> None:
    for ch in text:
        clock.advance(gap)
        QApplication.sendEvent(
            target, QKeyEvent(QKeyEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )
    if enter:
        clock.advance(gap)
        QApplication.sendEvent(
            target,
            QKeyEvent(
                QKeyEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"
            ),
        )


def _key_target(ctx: AppContext) -> QWidget:
    focus = QApplication.focusWidget()
    return focus if focus is not None else ctx.nav.stack.window()


@pytest.fixture
def scan(kiosk: AppContext, scan_clock: FakeClock) -> Callable[[str], None]:
    """Send ``text`` as a scanner burst (10 ms between chars, then Enter)."""

    def do(text: str) -> None:
        scan_clock.advance(1.0)
        send_keys(_key_target(kiosk), scan_clock, text, 0.010)

    return do


@pytest.fixture
def type_slowly(kiosk: AppContext, scan_clock: FakeClock) -> Callable[[str], None]:
    """Send ``text`` + Enter as a person types: 200 ms between keys."""

    def do(text: str) -> None:
        send_keys(_key_target(kiosk), scan_clock, text, 0.200)

    return do
