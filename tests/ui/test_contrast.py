"""The theme's colour pairs clear WCAG 2.1 contrast, text sizes and touch targets hold."""

from __future__ import annotations

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
