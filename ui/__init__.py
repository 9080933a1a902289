"""The touch UI (PySide6 widgets). Imports ``kiosk``; nothing in ``kiosk`` imports this."""
