"""The 积分兑换 shelf at a big station: the volunteer's card comes first, hundreds of gifts
scroll with a few tile widgets, and filtering or choosing keeps the volunteer's place."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontInfo

from kiosk.store.models import Gift, StockMovement
from kiosk.volunteers import volunteer_view
from tests.ui.flow_helpers import click, text_of, wait_route
from tests.ui.test_redeem_flow import VOLUNTEER, code
from ui.screens._gift_tile import GiftTile

MANY = 300


def _stock_the_shelf(kiosk, n: int = MANY) -> list[str]:  # type: ignore[no-untyped-def]
    """n more gifts (5 points, 10 in stock) after the demo's 24, all in "daily"."""
    skus = [f"G-T{i:03d}" for i in range(n)]
    with kiosk.store.begin() as s:
        for i, sku in enumerate(skus):
            s.add(Gift(sku=sku, name=f"测试礼品{i}", category="daily", points=5, sort=1000 + i))
        s.flush()
        for sku in skus:
            s.add(StockMovement(sku=sku, delta=10, kind="restock"))
    return skus


def _open_shelf(qtbot, kiosk, scan):  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileRedeem")
    wait_route(qtbot, kiosk, "redeem.scan")
    scan(code())
    wait_route(qtbot, kiosk, "redeem.gifts")
    screen = kiosk.nav.current
    qtbot.waitUntil(lambda: screen.grid.count > 0 and screen.grid.filled())
    return screen


def _open_big_shelf(qtbot, kiosk, scan):  # type: ignore[no-untyped-def]
    """The shelf with the demo's 24 gifts and MANY more, every one of them loaded."""
    _stock_the_shelf(kiosk)
    screen = _open_shelf(qtbot, kiosk, scan)
    qtbot.waitUntil(lambda: screen.grid.count == 24 + MANY)
    return screen, screen.grid


def _in_view(grid, tile: GiftTile) -> bool:  # type: ignore[no-untyped-def]
    """The tile's Add button is wholly on screen (a tile may be taller than a short shelf)."""
    button = QRect(tile.button.mapTo(grid.viewport(), QPoint(0, 0)), tile.button.size())
    return tile.isVisible() and grid.viewport().rect().contains(button)


def _top_gift(grid) -> str:  # type: ignore[no-untyped-def]
    """The gift in the shelf's top-left corner (what the volunteer sees first)."""
    widget = grid.viewport().childAt(QPoint(8, 8))
    while widget is not None and not isinstance(widget, GiftTile):
        widget = widget.parentWidget()
    assert widget is not None, "no tile at the top of the shelf"
    return widget.sku


def test_the_card_shows_before_the_shelf_arrives(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    with kiosk.store.begin() as s:
        view = volunteer_view(s, VOLUNTEER, kiosk.config)
    kiosk.nav.go("redeem.gifts", volunteer=view, cart={})
    screen = kiosk.nav.current
    # nothing has come back from the worker yet: the card is already filled in
    assert text_of(kiosk, "volunteerName") == "张*明"
    assert text_of(kiosk, "volunteerBalance").endswith("260")
    assert screen.grid.count == 0
    assert screen.grid.loading.isVisibleTo(screen) and screen.grid.loading.text()
    qtbot.waitUntil(lambda: screen.grid.filled())
    assert not screen.grid.loading.isVisibleTo(screen)
    assert "G-EGG-10" in screen.tiles


def test_hundreds_of_gifts_need_only_a_few_tile_widgets(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    skus = _stock_the_shelf(kiosk)
    screen = _open_shelf(qtbot, kiosk, scan)
    grid = screen.grid
    qtbot.waitUntil(lambda: grid.count == 24 + MANY)
    bar = grid.verticalScrollBar()
    most = 0
    while bar.value() < bar.maximum():  # a finger flicking all the way down
        bar.setValue(bar.value() + 150)
        qtbot.wait(1)
        most = max(most, len(screen.findChildren(GiftTile)))
        assert grid.filled()  # never an empty slot in view
    assert 0 < most <= 30, most  # not one per gift: the pool is re-bound as it scrolls
    last = skus[-1]
    assert last in grid.tiles and _in_view(grid, grid.tiles[last])
    click(qtbot, kiosk, f"add_{last}")
    qtbot.waitUntil(lambda: "5" in text_of(kiosk, "cartSummary"))
    assert screen.cart == {last: 1}
    assert bar.value() == bar.maximum()  # still at the bottom after the shelf came back
    chosen = screen.tr("Chosen: %1").replace("%1", "1")
    qtbot.waitUntil(lambda: chosen in grid.tiles[last].stock.text())


def test_a_filter_opens_at_its_top_and_all_comes_back_to_the_same_place(  # type: ignore[no-untyped-def]
    qtbot, kiosk, scan
) -> None:
    screen, grid = _open_big_shelf(qtbot, kiosk, scan)
    grid.verticalScrollBar().setValue(3000)
    qtbot.wait(1)
    at, top = grid.scroll_value(), _top_gift(grid)
    assert at == 3000

    click(qtbot, kiosk, "chip_food")
    food = {g.sku for g in screen.shelf.gifts if g.category == "food"}
    qtbot.waitUntil(lambda: set(grid.tiles) == food)  # six gifts, all in view
    assert grid.scroll_value() == 0 and _top_gift(grid) == "G-EGG-10"

    click(qtbot, kiosk, "chip___all__")
    qtbot.waitUntil(lambda: grid.count == 24 + MANY)
    assert grid.scroll_value() == at and _top_gift(grid) == top


def test_choosing_a_gift_keeps_the_place_on_the_shelf(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    screen, grid = _open_big_shelf(qtbot, kiosk, scan)
    grid.verticalScrollBar().setValue(5000)
    qtbot.wait(1)
    sku = _top_gift(grid)
    click(qtbot, kiosk, f"add_{sku}")
    qtbot.waitUntil(lambda: screen.cart.get(sku) == 1 and "5" in text_of(kiosk, "cartSummary"))
    chosen = screen.tr("Chosen: %1").replace("%1", "1")
    qtbot.waitUntil(lambda: chosen in grid.tiles[sku].stock.text())
    assert grid.scroll_value() == 5000 and _top_gift(grid) == sku


def test_large_text_gives_wider_taller_tiles_whose_lines_all_show(
    qtbot, kiosk, window, scan
) -> None:  # type: ignore[no-untyped-def]
    screen = _open_shelf(qtbot, kiosk, scan)
    grid = screen.grid
    click(qtbot, kiosk, "add_G-EGG-10")  # a tile with every line: stock, limit, chosen
    chosen = screen.tr("Chosen: %1").replace("%1", "1")
    qtbot.waitUntil(lambda: chosen in grid.tiles["G-EGG-10"].stock.text())
    before = grid.tiles["G-EGG-10"].geometry()
    size = QFontInfo(grid.tiles["G-EGG-10"].stock.font()).pixelSize()
    qtbot.mouseClick(window.strip.text_button, Qt.MouseButton.LeftButton)

    def grown() -> bool:
        tile = grid.tiles.get("G-EGG-10")
        return tile is not None and QFontInfo(tile.stock.font()).pixelSize() > size

    qtbot.waitUntil(grown)
    qtbot.wait(50)
    tile = grid.tiles["G-EGG-10"]
    assert tile.width() > before.width() and tile.height() > before.height()
    for t in grid.tiles.values():
        stock = t.stock.geometry()
        assert stock.height() >= t.stock.heightForWidth(stock.width())  # no line cut off
        assert t.button.geometry().top() >= stock.bottom()
        assert t.button.geometry().bottom() < t.height()
