"""The touch UI (PySide6 widgets). Imports ``kiosk``; nothing in ``kiosk`` imports this."""

import ui.pyside_hook  # noqa: F401  (before any other Qt-using module: see there)
