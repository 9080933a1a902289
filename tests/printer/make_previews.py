"""Regenerate docs/receipts/: every template at 58 and 80 mm, from the demo station.

.venv/bin/python -m tests.printer.make_previews [--out docs/receipts]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kiosk.config import Config
from kiosk.store import open_store
from printer.preview import render_png
from printer.profiles import make_profile
from station.demo import seed_demo

from . import samples
from .conftest import BOLD, REGULAR

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "receipts")
    args = parser.parse_args()
    from printer.raster import Fonts

    fonts = Fonts(REGULAR, BOLD)
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            station_id="ST-DEMO", station_name="幸福里社区新时代文明实践站", data_dir=tmp
        )
        store = open_store(Path(tmp) / "kiosk.db")
        seed_demo(store)
        made = samples.make(store, config)
        store.close()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, doc in made.documents.items():
        for mm in (58, 80):
            path = args.out / f"{name}-{mm}mm.png"
            path.write_bytes(render_png(doc, make_profile(mm), fonts))
            print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
