"""Crashes: uncaught exceptions become an error code on the GUI thread; hard crashes are
collected at the next start for staff."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from ui import crash_handler

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def handler(qapp):
    codes: list[tuple[str, bool]] = []
    h = crash_handler.install_crash_handler(
        lambda code: codes.append((code, threading.current_thread() is threading.main_thread()))
    )
    h.codes = codes  # type: ignore[attr-defined]
    yield h
    h.uninstall()


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_becomes_a_code_on_the_gui_thread(qtbot, handler, caplog):
    def broken_slot() -> None:
        raise ZeroDivisionError("a bug")

    with qtbot.waitSignal(handler.crashed, timeout=5000) as blocker:
        QTimer.singleShot(0, broken_slot)
    code = blocker.args[0]
    assert code.startswith("E-")
    qtbot.waitUntil(lambda: handler.codes == [(code, True)])
    record = next(r for r in caplog.records if code in r.getMessage())
    assert record.levelno == logging.CRITICAL and record.exc_info[0] is ZeroDivisionError


def test_exception_in_a_worker_thread_reaches_the_gui_thread(qtbot, handler, caplog):
    def worker() -> None:
        raise RuntimeError("worker bug")

    with qtbot.waitSignal(handler.crashed, timeout=5000):
        thread = threading.Thread(target=worker, name="sync")
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: len(handler.codes) == 1)
    assert handler.codes[0][1] is True  # the window's handler ran on the GUI thread
    assert any("thread sync" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_crash_loop_ends_the_event_loop_for_a_restart(qtbot, handler, qapp, monkeypatch):
    monkeypatch.setattr(crash_handler, "LOOP_COUNT", 3)
    codes: list[int] = []

    def crash_three_times() -> None:
        for _ in range(3):
            try:
                raise ValueError("again")
            except ValueError as exc:
                handler.report(ValueError, exc, exc.__traceback__)

    QTimer.singleShot(0, crash_three_times)
    codes.append(qapp.exec())
    assert codes == [crash_handler.EXIT_CRASH_LOOP]


CRASH = """
import sys, faulthandler
from kiosk.logs import setup_logging, new_crash_text
setup_logging(sys.argv[1], stderr=False)
print(repr(new_crash_text(sys.argv[1])))
if sys.argv[2] == "crash":
    faulthandler._sigsegv()
"""


def _run(data: Path, what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASH, str(data), what],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_hard_crash_text_is_shown_once_at_the_next_start(tmp_path):
    first = _run(tmp_path, "crash")
    assert first.returncode < 0 and first.stdout.strip() == "None"
    second = _run(tmp_path, "ok")
    assert second.returncode == 0
    assert "Segmentation fault" in second.stdout and "<module>" in second.stdout
    third = _run(tmp_path, "ok")
    assert third.stdout.strip() == "None"  # shown once
    kept = list((tmp_path / "logs").glob("crash-*.log"))
    assert len(kept) == 1 and "Segmentation fault" in kept[0].read_text()
