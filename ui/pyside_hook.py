"""PySide6's import hook, made to keep nothing (imported by ``ui/__init__.py``, so it is in
place before the rest of the UI and everything the kiosk imports later)."""

from __future__ import annotations

import linecache
import sys
import sysconfig
from typing import Any

import PySide6.QtCore  # noqa: F401  (installs the hook this module adjusts)


def lighten_pyside_import_hook() -> None:
    """Keep PySide6's import hook from holding the source of every later import.

    PySide6 replaces ``__import__``; after each import it asks whether the new module uses
    PySide6 (for ``from __feature__ import ...``) with ``inspect.getsource``, and linecache
    then keeps that source for the life of the process: ~20 MiB of peak memory for
    SQLAlchemy, the store and the printer stack, which the kiosk imports after home is
    painted. The same question is answered here from the file's bytes, keeping nothing;
    anything that is not a plain ``.py`` file (e.g. in the frozen bundle) gets PySide's own
    answer."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "kiosk_light", False):
        return
    # Installed libraries that are not Qt's own never use PySide6: answered without
    # reading their files (~500 of them, SQLAlchemy's among them, on the way to the first
    # tap). Qt's own packages and the kiosk's files are read as before.
    libraries = tuple(
        {sysconfig.get_path(name) + "/" for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    )
    qt_packages = ("PySide6", "shiboken6", "pytestqt")

    def uses_pyside(module: Any) -> bool:
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if not isinstance(origin, str) or not origin.endswith(".py"):
            return bool(original(module))
        if origin.startswith(libraries) and not module.__name__.startswith(qt_packages):
            return False
        try:
            with open(origin, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    uses_pyside.kiosk_light = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
    # What PySide's own check read before this point (e.g. Python's stdlib modules).
    linecache.clearcache()


lighten_pyside_import_hook()
