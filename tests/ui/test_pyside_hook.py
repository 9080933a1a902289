"""PySide6's import hook still tells modules that use PySide6 from those that do not, and
no longer keeps the source of what is imported after it (peak memory, figure 2)."""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import pytest

import ui.pyside_hook


def test_later_imports_are_sorted_without_keeping_their_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The question PySide's __import__ hook asks of each newly imported module, asked
    # directly: whether the hook asks it for a given import depends on PySide's own state
    # (which modules it has seen), so going through an import statement was flaky.
    feature = sys.modules["shibokensupport.feature"]
    assert getattr(feature._mod_uses_pyside, "kiosk_light", False)
    (tmp_path / "kiosk_probe_plain.py").write_text("VALUE = 1\n", "utf-8")
    (tmp_path / "kiosk_probe_qt.py").write_text(
        "from PySide6.QtCore import QObject\nVALUE = QObject\n", "utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    answers = {}
    for name in ("kiosk_probe_plain", "kiosk_probe_qt"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        answers[name] = feature._mod_uses_pyside(importlib.import_module(name))
    assert answers == {"kiosk_probe_plain": False, "kiosk_probe_qt": True}
    kept = {Path(f).name for f in linecache.cache}
    assert not kept & {"kiosk_probe_plain.py", "kiosk_probe_qt.py"}


def test_installed_libraries_are_answered_without_reading_their_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """~500 library modules load on the way to the first tap (SQLAlchemy's among them):
    none of them is Qt's, so their files are not read to find "PySide6" in them."""
    import json

    import sqlalchemy.orm

    feature = sys.modules["shibokensupport.feature"]
    read: list[str] = []

    def opened(path: str, *args: object, **kwargs: object) -> object:
        read.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(ui.pyside_hook, "open", opened, raising=False)
    assert feature._mod_uses_pyside(json) is False
    assert feature._mod_uses_pyside(sqlalchemy.orm) is False
    assert read == []
    theme = importlib.import_module("ui.theme")
    assert feature._mod_uses_pyside(theme) is True  # the kiosk's own files are read
    assert read and read[-1].endswith("theme.py")
