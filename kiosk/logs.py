"""Logging: a rotating file in the data dir plus stderr; faulthandler for hard crashes."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
_crash_file: TextIO | None = None


def log_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "logs"


def setup_logging(data_dir: str | Path, level: int = logging.INFO, stderr: bool = True) -> Path:
    """Configure the root logger once; returns the log file's path."""
    global _crash_file
    folder = log_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        folder / "kiosk.log", maxBytes=2_000_000, backupCount=10, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # A segfault in Qt or a C extension leaves its Python stack here; staff see it next start.
    if _crash_file is None:
        _crash_file = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_crash_file)
    return folder / "kiosk.log"
