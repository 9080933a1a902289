"""Screens that hold a fixed amount fit the window: no scroll bar at 1280×800 or 1920×1080,
in Chinese and English, normal and large text (sixth round's field test: 进度查询 and
点单完成 were 9 px too tall at 1280×800, and a scroll bar showed; the progress card's five
steps were 12 px too tall for it)."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QScrollArea

from kiosk.views import orders as q
from kiosk.views.orders import PlacedOrder
from tests.ui.test_clip_walk import LONG_EN
from tests.ui.test_restock_layout import still
from tests.ui.test_track_flow import _completed_order

CONFIGS = [
    (lang, large, size)
    for size in ((1280, 800), (1920, 1080))
    for lang in ("zh_CN", "en")
    for large in (False, True)
]


def scrolling(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Every scroll area of the current screen (its frame too) that can scroll now."""
    screen = window.ctx.nav.current
    frame = screen.parentWidget().parentWidget()
    areas = [frame, *screen.findChildren(QScrollArea)]
    return [
        f"{a.objectName() or type(a.widget()).__name__} by {a.verticalScrollBar().maximum()} px"
        for a in areas
        if a.isVisible() and a.verticalScrollBar().maximum() > 0
    ]


def test_track_lookup_progress_and_order_done_fit_without_a_scroll_bar(
    qtbot, window, config
) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)  # two lines
    _ticket, qr = _completed_order(ctx.store, config)  # all five steps, with team and name
    with ctx.store.begin() as s:
        view = q.lookup_qr(s, qr, config.timezone)
    rated = dataclasses.replace(view, rating=4, rateable=False)
    placed = PlacedOrder("A1207-001", "KIOSK-ORDER:A1207-001:x", "138****5678", None)
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        ctx.nav.go("track.lookup")
        still(qtbot, window)
        found += [f"{where} track.lookup: {s}" for s in scrolling(window)]
        for shown in (view, rated):
            ctx.nav.go("track.status", view=shown)
            still(qtbot, window)
            found += [f"{where} track.status: {s}" for s in scrolling(window)]
        ctx.nav.go("order.done", placed=placed)
        for state in ("printing", "queued"):  # queued: the longest words
            ctx.nav.current._print_state(state)
            still(qtbot, window)
            found += [f"{where} order.done ({state}): {s}" for s in scrolling(window)]
        ctx.nav.home()
    assert not found, found
