"""The activity list stays one list: shown again, or re-laid out for 大字, it never stacks
a second set of buttons over the first (seen once in a large-text screenshot)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QPushButton

from kiosk.clock import utcnow
from kiosk.store.models import Activity
from tests.ui.flow_helpers import click, wait_route


def _visible_activity_buttons(kiosk) -> list[str]:  # type: ignore[no-untyped-def]
    screen = kiosk.nav.current
    return sorted(
        b.objectName()
        for b in screen.findChildren(QPushButton)
        if b.objectName().startswith("activity_") and b.isVisible()
    )


def test_the_list_is_rebuilt_not_stacked(qtbot, kiosk, window) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with kiosk.store.begin() as s:
        for n in range(2):
            s.add(
                Activity(
                    id=f"A{n}",
                    title=f"活动{n}",
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=2),
                    capacity=10,
                )
            )
    for _round in range(2):
        click(qtbot, kiosk, "tileAttend")
        wait_route(qtbot, kiosk, "attend.activities")
        qtbot.waitUntil(lambda: len(_visible_activity_buttons(kiosk)) >= 2, timeout=10_000)
        kiosk.nav.home()
    window.set_large_text(True)
    click(qtbot, kiosk, "tileAttend")
    wait_route(qtbot, kiosk, "attend.activities")
    qtbot.waitUntil(lambda: len(_visible_activity_buttons(kiosk)) >= 2, timeout=10_000)
    qtbot.wait(200)
    assert _visible_activity_buttons(kiosk) == ["activity_A0", "activity_A1"]
    # In 大字 both lines of each button fit: nothing cut at the bottom, nothing overlapping.
    screen = kiosk.nav.current
    buttons = [screen.findChild(QPushButton, name) for name in ("activity_A0", "activity_A1")]
    for b in buttons:
        need = b.fontMetrics().lineSpacing() * 2
        assert b.height() >= need + 16, f"{b.objectName()}: {b.height()} px for {need} px of text"
    first, second = (b.geometry() for b in buttons)
    assert not first.intersects(second)
    window.set_large_text(False)
