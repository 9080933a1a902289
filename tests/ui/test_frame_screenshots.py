"""``kiosk screenshots``: the walk through every screen runs end to end and writes one PNG per
screen at the requested size (the walk taps the same object names as the flow tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image


def test_screenshots_command_renders_every_screen(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from station.commands.screenshots import run
    from station.screenshots_script import SCRIPT

    args = argparse.Namespace(out=tmp_path, lang=["zh_CN"], size=["1280x800"])
    assert run(args) == 0
    files = sorted((tmp_path / "zh_CN" / "1280x800").glob("*.png"))
    assert [f.stem for f in files] == [name for name, _step in SCRIPT]
    for f in files:
        with Image.open(f) as im:
            assert im.size == (1280, 800), f.name
    qapp.setStyleSheet("")
