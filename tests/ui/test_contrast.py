"""The theme's colour pairs clear WCAG 2.1 contrast, text sizes and touch targets hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFontInfo, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollBar

from kiosk.views.staff import StaffInfo
from ui import theme


def test_every_colour_pair_of_the_theme_clears_its_contrast() -> None:
    low = [
        f"{what}: {fg} on {bg} is {theme.contrast(fg, bg):.2f}:1, needs {need}:1"
        for fg, bg, need, what in theme.CONTRAST_PAIRS
        if theme.contrast(fg, bg) < need
    ]
    assert low == []


def test_the_contrast_formula_matches_wcag() -> None:
    assert round(theme.contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(theme.contrast("#777777", "#FFFFFF"), 2) == 4.48
    assert round(theme.contrast("#D6D0C4", "#FAF7F2"), 2) == 1.44  # the old edge (issue 13)


def test_the_stylesheet_draws_with_the_checked_colours() -> None:
    qss = theme.stylesheet(False)
    assert f"border: 2px solid {theme.BORDER}" in qss
    assert "#D9A3AC" not in qss  # a greyed primary button is no longer a pale red one
    assert f"2px dashed {theme.DISABLED_BORDER}" in qss
    assert "QPushButton#largeTextToggle:checked" in qss  # 大字 shows whether it is on


def test_no_text_under_20_px() -> None:
    for large in (False, True):
        assert min(theme.sizes(large).values()) >= 20


# --- on the real screens ---------------------------------------------------------------

# Normal text at the smallest landscape size: where buttons and scroll lists are smallest.
# (The clip walk covers large text; test_frame checks large text is 32 px or more.)
WALKED_SIZES = [("zh_CN", False, QSize(1280, 800))]


def _accent_pixels(image: QImage) -> int:
    accent = QColor(theme.ACCENT)
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if abs(QColor(image.pixel(x, y)).red() - accent.red()) < 24
        and abs(QColor(image.pixel(x, y)).green() - accent.green()) < 24
        and abs(QColor(image.pixel(x, y)).blue() - accent.blue()) < 24
    )


def test_the_phone_placeholder_cannot_pass_for_a_typed_number(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    ctx.nav.go("order.phone")
    screen = ctx.nav.current
    display = screen.display
    assert display.is_placeholder() and display.text() == "11位手机号"
    empty_px = QFontInfo(display.font()).pixelSize()
    empty_colour = display.palette().color(display.foregroundRole()).name().upper()
    qtbot.mouseClick(screen.findChild(QAbstractButton, "key_1"), Qt.MouseButton.LeftButton)
    assert not display.is_placeholder() and display.text() == "1"
    typed_px = QFontInfo(display.font()).pixelSize()
    typed_colour = display.palette().color(display.foregroundRole()).name().upper()
    assert empty_px < typed_px  # body size, not the big bold digits
    assert empty_colour == theme.MUTED and typed_colour == theme.TEXT
    assert not display.font().bold() or QFontInfo(display.font()).bold()
    ctx.nav.home()


def test_large_text_toggle_shows_whether_it_is_on(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    toggle = window.strip.text_button
    assert not toggle.isChecked()
    off = toggle.grab().toImage()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.large_text)
    on = toggle.grab().toImage()
    assert _accent_pixels(off) == 0  # a plain edge when off
    assert _accent_pixels(on) > 100  # a red frame when on
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)


def test_a_disabled_button_does_not_look_tappable(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    ctx.nav.go("order.phone")
    submit = ctx.nav.current.findChild(QAbstractButton, "nextButton")
    assert submit is not None and not submit.isEnabled()
    image = submit.grab().toImage()
    assert _accent_pixels(image) == 0  # no red fill: it does not look like 下一步 ready
    centre = QColor(image.pixel(image.width() // 2, 4)).name().upper()
    assert centre != theme.ACCENT
    ctx.nav.home()


def test_gift_pictures_carry_no_small_caption_and_white_reads_on_them() -> None:
    """The captions baked into the gift pictures were 16 px at 1.8-3.3:1; the pictures now
    have none (the tile prints the name beside them), and white drawings on every
    category colour clear 4.5:1."""
    from PIL import Image

    from kiosk.paths import asset_path

    spec = importlib.util.spec_from_file_location(
        "make_gift_images", asset_path("gifts/make_gift_images.py")
    )
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    colours = [*maker.CATEGORY_COLOURS.values(), maker.OTHER_COLOUR]
    for rgb in colours:
        assert theme.contrast("#{:02X}{:02X}{:02X}".format(*rgb), "#FFFFFF") >= 4.5, rgb
    pictures = sorted(Path(asset_path("gifts")).glob("*.png"))
    assert len(pictures) >= 20
    for path in pictures:
        with Image.open(path) as im:
            rgb = im.convert("RGBA").convert("RGB")
            # Below the drawings (they end by y 176 of 200): only the square's colour.
            band = {rgb.getpixel((x, y)) for x in range(30, 170, 2) for y in range(180, 190)}
        assert len(band) == 1, (path.name, len(band))


@pytest.mark.parametrize(("lang", "large", "size"), WALKED_SIZES, ids=["zh-normal-1280x800"])
def test_every_screen_keeps_targets_text_and_scroll_bars_big(
    qtbot, window, lang, large, size
) -> None:  # type: ignore[no-untyped-def]
    """Touch targets >= 80 px, text >= 20 px (body 24, 32 in large text), vertical scroll
    bars >= 48 px wide with a handle a finger can hold, on every screen."""
    ctx = window.ctx
    ctx.staff = StaffInfo("S01", "王建国", "technician")
    window.set_language(lang)
    window.set_large_text(large)
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    ctx.nav.build_all()
    body = 32 if large else 24
    found: list[str] = []
    for route in [s.route for s in ctx.nav.screens() if s.route != "error"]:
        ctx.nav.go(route)
        QApplication.processEvents()
        for b in window.findChildren(QAbstractButton):
            if b.isVisible() and min(b.width(), b.height()) < theme.TOUCH:
                found.append(
                    f"{route}: button {b.objectName() or b.text()!r} {b.width()}x{b.height()}"
                )
        for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
            text = w.text() if hasattr(w, "text") else ""
            if w.isVisible() and text:
                px = QFontInfo(w.font()).pixelSize()
                if px < 20:
                    found.append(f"{route}: {text[:20]!r} at {px} px")
                elif px < body and w.objectName() != "stationName":
                    found.append(f"{route}: {text[:20]!r} at {px} px, under body size {body}")
        for bar in window.findChildren(QScrollBar):
            upright = bar.isVisible() and bar.orientation() == Qt.Orientation.Vertical
            if upright and bar.width() < theme.SCROLLBAR:
                found.append(f"{route}: scroll bar {bar.width()} px wide")
    ctx.nav.home()
    assert found == [], "\n".join(found)
