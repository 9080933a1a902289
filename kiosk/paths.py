"""Where things live: platform dirs for config and data, bundled assets (also when frozen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP = "station-kiosk"


def config_file() -> Path:
    """The station's TOML config; ``KIOSK_CONFIG`` points elsewhere (tests, several kiosks)."""
    if override := os.environ.get("KIOSK_CONFIG"):
        return Path(override)
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "kiosk.toml"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def assets_dir() -> Path:
    """Bundled assets: next to the packages in a checkout, inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset_path(relative: str) -> Path:
    return assets_dir() / relative


def font_path(bold: bool = False) -> Path:
    return asset_path(f"fonts/NotoSansSC-{'Bold' if bold else 'Regular'}.otf")
