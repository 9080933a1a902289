"""PySide6's import hook still tells modules that use PySide6 from those that do not, and
no longer keeps the source of what is imported after it (peak memory, figure 2)."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import pytest

import ui.pyside_hook  # noqa: F401


def test_later_imports_are_sorted_without_keeping_their_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature = sys.modules["shibokensupport.feature"]
    (tmp_path / "kiosk_probe_plain.py").write_text("VALUE = 1\n", "utf-8")
    (tmp_path / "kiosk_probe_qt.py").write_text(
        "from PySide6.QtCore import QObject\nVALUE = QObject\n", "utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("kiosk_probe_plain", "kiosk_probe_qt"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        monkeypatch.delitem(feature.pyside_feature_dict, name, raising=False)
        __import__(name)  # through the hook, as an import statement goes
    assert feature.pyside_feature_dict["kiosk_probe_plain"] == -1
    assert feature.pyside_feature_dict["kiosk_probe_qt"] == 0
    kept = {Path(f).name for f in linecache.cache}
    assert not kept & {"kiosk_probe_plain.py", "kiosk_probe_qt.py"}
