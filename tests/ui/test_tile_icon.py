"""A tile's picture follows the size home gives it (home shrinks its tiles' pictures until
the words fit): the tile asks its icon to redraw at the new size, same picture and colour."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ui import theme
from ui.widgets import Tile


def _drawn(tile: Tile) -> tuple[int, QColor]:
    pixmap = tile.icon.pixmap()
    image = pixmap.toImage()
    side = round(pixmap.width() / pixmap.devicePixelRatio())
    inked = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    return side, inked[0]


def test_a_resized_tile_redraws_the_same_picture_at_the_new_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    tile = Tile("order", icon_px=140)
    qtbot.addWidget(tile)
    tile.set_icon("order", theme.SUCCESS)
    assert _drawn(tile) == (140, QColor(theme.SUCCESS))
    tile.set_icon_px(64)
    assert tile.icon.sizeHint().width() == 64
    assert _drawn(tile) == (64, QColor(theme.SUCCESS))  # the colour stays the one it was set


def test_a_tile_sized_before_it_has_a_picture_draws_it_at_that_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    tile = Tile(None, icon_px=140)
    qtbot.addWidget(tile)
    assert tile.icon.sizeHint().width() == 0  # nothing to show yet
    tile.set_icon_px(72)
    tile.set_icon("clock")
    assert _drawn(tile)[0] == 72
