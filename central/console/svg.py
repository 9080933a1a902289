"""Small server-side SVG charts for the figures page (no JavaScript, no chart library).
Labels are escaped; the SVG is inlined into the page as markup."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

_BAR = "#c0392b"
_TEXT = "#333"


def bars(labels: list[str], values: list[int], title: str, height: int = 180) -> Markup:
    """Vertical bars, one per label (e.g. a month), value written over each bar."""
    width = max(320, 48 * len(labels))
    top = max(values, default=0) or 1
    step = width / max(len(labels), 1)
    plot = height - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot * value / top
        x = i * step + step * 0.15
        y = 20 + plot - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{_BAR}"/>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" font-size="11" '
            f'text-anchor="middle" fill="{_TEXT}">{value}</text>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - 6}" font-size="10" '
            f'text-anchor="middle" fill="{_TEXT}">{escape(label[-5:])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def hbars(labels: list[str], values: list[int], title: str) -> Markup:
    """Horizontal bars with their labels, for a handful of categories."""
    row, label_w, bar_w = 26, 120, 260
    height = max(row * len(labels), row) + 8
    top = max(values, default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 80}" '
        f'height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        w = bar_w * value / top
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="13" text-anchor="end" '
            f'fill="{_TEXT}">{escape(label)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="18" fill="{_BAR}"/>')
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="13" '
            f'fill="{_TEXT}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
