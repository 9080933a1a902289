"""Logging: a rotating file in the data dir plus stderr; faulthandler for hard crashes."""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

from kiosk.diskspace import is_disk_full, make_reserve, release_reserve, reserve_path

FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
_crash_file: TextIO | None = None


def log_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "logs"


class ReserveFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log that, when the disk is full, gives back the reserve
    (``kiosk.diskspace``) and writes the record again: the error code a resident was
    shown must be findable in the log, with its traceback."""

    # Said once on stderr (the journal) while kiosk.log cannot be written for a full disk.
    _full_said = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed = False
        super().emit(record)
        if not self._failed:
            self._full_said = False  # written again: a later full disk is said again

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed = True
        exc = sys.exc_info()[1]
        if is_disk_full(exc) and release_reserve(Path(self.baseFilename).parent):
            try:
                # The record is still in the stream's buffer: the failed flush kept it.
                if self.stream is not None:
                    self.stream.flush()
                    self._failed = False
                    return
            except OSError:
                pass
        if is_disk_full(exc):
            # No reserve left (or none could be made: the disk was full at start). A
            # "--- Logging error ---" traceback for every record would bury the one line
            # that matters in the journal; stderr still gets each record.
            if not self._full_said:
                self._full_said = True
                with contextlib.suppress(Exception):
                    sys.stderr.write(
                        f"kiosk: cannot write {self.baseFilename}: the disk is full "
                        "(log records go to stderr only until there is room)\n"
                    )
            self._drop_buffered()
            return
        super().handleError(record)

    def _drop_buffered(self) -> None:
        # The failed flush keeps the record in the stream's buffer; each later record would
        # fail on it again. Reopened, the file starts clean when room comes back.
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def setup_logging(data_dir: str | Path, level: int = logging.INFO, stderr: bool = True) -> Path:
    """Configure the root logger once; returns the log file's path."""
    global _crash_file
    from kiosk import paths

    paths.private_dir(data_dir)
    folder = paths.private_dir(log_dir(data_dir))
    for name in ("kiosk.log", "crash.log"):
        # Created private before the handlers open them (they append to what exists).
        target = folder / name
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_APPEND, paths.PRIVATE_FILE_MODE))
        paths.private_file(target)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        # Ours from an earlier call, or the CLI's bootstrap basicConfig (would double stderr).
        bootstrap = type(handler) is logging.StreamHandler and handler.stream is sys.stderr
        if getattr(handler, "_kiosk", False) or bootstrap:
            root.removeHandler(handler)
            handler.close()
    file_handler = ReserveFileHandler(
        folder / "kiosk.log", maxBytes=2_000_000, backupCount=10, encoding="utf-8"
    )
    make_reserve(folder)
    paths.private_file(reserve_path(folder))  # zeros only, but the data dir is all private
    handlers: list[logging.Handler] = [file_handler]
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # A segfault in Qt or a C extension leaves its Python stack here; staff see it next start.
    if _crash_file is None:
        collect_crash(data_dir)
        _crash_file = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_crash_file)
    return folder / "kiosk.log"


CRASH_KEEP = 10
_previous_crash: Path | None = None


def collect_crash(data_dir: str | Path) -> Path | None:
    """Move a non-empty crash.log aside as crash-<time>.log before faulthandler reopens it.

    Returns the moved file (also remembered for ``new_crash_text``); keeps the last 10."""
    global _previous_crash
    import os
    import time

    folder = log_dir(data_dir)
    current = folder / "crash.log"
    try:
        if current.stat().st_size == 0:
            return None
    except FileNotFoundError:
        return None
    target = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
    os.replace(current, target)
    for old in sorted(folder.glob("crash-*.log"))[:-CRASH_KEEP]:
        old.unlink(missing_ok=True)
    _previous_crash = target
    return target


def new_crash_text(data_dir: str | Path, limit: int = 4000) -> str | None:
    """The hard crash (segfault, abort) of the previous run, once: for the staff screen.

    ``setup_logging`` collects it at start; None when the last run did not crash. The
    text is the tail of faulthandler's dump (the Python stack of each thread)."""
    global _previous_crash
    if _previous_crash is None and _crash_file is None:
        collect_crash(data_dir)
    path, _previous_crash = _previous_crash, None
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text[-limit:]
