"""Helpers for the flow tests: find a screen's widget by object name, click it, wait."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ui.context import AppContext


def button(ctx: AppContext, name: str) -> QPushButton:
    screen = ctx.nav.current
    assert screen is not None
    found = screen.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r} on {ctx.nav.route}"
    return found


def text_of(ctx: AppContext, name: str) -> str:
    screen = ctx.nav.current
    assert screen is not None
    found = screen.findChild(QLabel, name)
    assert found is not None, f"no label {name!r} on {ctx.nav.route}"
    return found.text()


def click(qtbot, ctx: AppContext, name: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the button exists, is visible and enabled, then tap it."""

    def ready() -> bool:
        screen = ctx.nav.current
        found = screen.findChild(QPushButton, name) if screen is not None else None
        return found is not None and found.isVisible() and found.isEnabled()

    qtbot.waitUntil(ready, timeout=10_000)
    qtbot.mouseClick(button(ctx, name), Qt.MouseButton.LeftButton)


def keys(qtbot, ctx: AppContext, digits: str) -> None:  # type: ignore[no-untyped-def]
    for d in digits:
        click(qtbot, ctx, f"key_{d}")


def wait_route(qtbot, ctx: AppContext, route: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: ctx.nav.route == route, timeout=10_000)


def banner_text(ctx: AppContext) -> str:
    screen = ctx.nav.current
    banner = getattr(screen, "banner", None)
    assert isinstance(banner, QWidget)
    return banner.text()  # type: ignore[attr-defined]
