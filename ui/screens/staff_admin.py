"""Staff admin sections (being built)."""

from __future__ import annotations

from ui.screen import Screen

STAFF_SCREENS: list[type[Screen]] = []
