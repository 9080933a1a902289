"""Where things live: platform dirs for config and data, bundled assets (also when frozen)."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

APP = "station-kiosk"


def config_file() -> Path:
    """The station's TOML config; ``KIOSK_CONFIG`` points elsewhere (tests, several kiosks)."""
    if override := os.environ.get("KIOSK_CONFIG"):
        return Path(override)
    import platformdirs  # not at import: a provisioned station names its files (13 ms)

    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "kiosk.toml"


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


@functools.cache
def assets_dir() -> Path:
    """Bundled assets: next to the packages in a checkout, inside the bundle when frozen.
    Found once: ``resolve()`` asks the file system for every part of the path, and the
    shelf asks for a gift picture's path once per picture (4-7 ms each under load)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset_path(relative: str) -> Path:
    return assets_dir() / relative


def font_path(bold: bool = False) -> Path:
    return asset_path(f"fonts/NotoSansSC-{'Bold' if bold else 'Regular'}.otf")


# Residents' phones, volunteers' balances and the station token live under the data dir:
# only the kiosk's own user may read them.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def private_umask() -> int:
    """Make every file this process creates from now on private (0600/0700); returns the
    previous mask. The ``kiosk`` command calls it first thing (systemd sets UMask too)."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: str | Path) -> Path:
    """``path`` created if needed and restricted to 0700 (also when it existed before)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _chmod(folder, PRIVATE_DIR_MODE)
    return folder


def private_file(path: str | Path) -> None:
    """Restrict an existing file to 0600 (a file made before the umask, or by a copy)."""
    if os.path.exists(path):
        _chmod(Path(path), PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    if sys.platform == "win32":
        return  # ACLs, not mode bits: the installer restricts the folder
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError as exc:
        import logging

        logging.getLogger(__name__).warning("cannot restrict %s to %o: %s", path, mode, exc)
