"""Restart after a crash (issue 15, finding 2): the unit's main process is the kiosk.

What is real here: the unit file as systemd's own parser reads it (``systemd-analyze
verify``), the unit's ExecStart script, an X server (Xvfb standing in for Xorg: same
protocol and socket, no screen), the kiosk on Qt's real ``xcb`` platform, its sd_notify
datagrams, SIGSEGV and SIGKILL. What is emulated: systemd itself (no systemd runs as PID 1
on the test machines). The test plays its part from the unit file: it starts ExecStart
in a new session (standing in for the cgroup), reads READY/WATCHDOG from NOTIFY_SOCKET,
sees the main process end, decides by ``Restart=``/``RestartPreventExitStatus=`` whether
systemd would start it again, and kills what is left of the session as systemd kills the
rest of the cgroup.
"""

from __future__ import annotations

import configparser
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.config import Config, save_config

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "station-kiosk.service"
INSTALL = "/opt/station-kiosk"

needs_xvfb = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="Xvfb missing (CI installs it: .ci/run)"
)


def read_unit(path: Path = UNIT) -> configparser.SectionProxy:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(path, encoding="utf-8")
    return unit["Service"]


def systemd_restarts(service: configparser.SectionProxy, returncode: int) -> bool:
    """systemd's decision after the main process ended with ``returncode`` (negative:
    killed by that signal), for the Restart= values the kiosk's units use."""
    prevented = {int(x) for x in service.get("RestartPreventExitStatus", "").split()}
    if returncode in prevented:
        return False
    policy = service.get("Restart", "no")
    clean = returncode == 0 or returncode in (-signal.SIGTERM, -signal.SIGHUP, -signal.SIGINT)
    return policy == "always" or (policy == "on-failure" and not clean)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_parses_the_unit_and_its_script_exists(tmp_path):
    text = UNIT.read_text(encoding="utf-8").replace(INSTALL, str(ROOT))
    local = tmp_path / "station-kiosk.service"
    local.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        ["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60
    )
    complaints = [
        line
        for line in proc.stderr.splitlines()
        if "station-kiosk.service" in line and "Unknown" not in line.split(":")[0]
    ]
    assert complaints == [], proc.stderr
    service = read_unit()
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert int(service["WatchdogSec"]) > 20  # above the 20 s salvage budget at start
    assert service["ExecStart"] == f"{INSTALL}/deploy/kiosk-x11.sh"
    assert os.access(ROOT / "deploy" / "kiosk-x11.sh", os.X_OK)
    # The old unit ran xinit, which exits 0 when its client crashes: never restarted.
    assert not systemd_restarts({"Restart": "on-failure"}, 0)  # type: ignore[arg-type]
    for code in (0, 1, 70, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGABRT):
        assert systemd_restarts(service, code), code
    assert not systemd_restarts(service, 78)  # a store newer than the build


class NotifySocket:
    """The datagram socket systemd gives a Type=notify service. Like systemd with
    NotifyAccess=main, it takes a message only from the main PID (the kernel tells the
    sender's PID): the X server, a child, sends its own READY=1, which must not count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, int, str]] = []

    def receive(self) -> tuple[int, str]:
        data, ancillary, _flags, _addr = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = 0
        for level, kind, creds in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", creds[:12])[0]
        return pid, data.decode()

    def wait_for(self, state: str, main: subprocess.Popen[bytes], timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert main.poll() is None, f"the main process ended ({main.returncode})"
            try:
                pid, data = self.receive()
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), pid, data))
            if pid == main.pid and state in data.split("\n"):
                return self.messages[-1][0]
        raise AssertionError(f"no {state} within {timeout} s: {self.messages[-5:]}")

    def close(self) -> None:
        self.sock.close()


def _free_display() -> str:
    for n in range(60, 99):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise AssertionError("no free X display number")


def _stop_session(pgid: int, display: str) -> None:
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, signum)
        except ProcessLookupError:
            break
        time.sleep(0.3)
    number = display.lstrip(":")
    for leftover in (f"/tmp/.X11-unix/X{number}", f"/tmp/.X{number}-lock"):
        Path(leftover).unlink(missing_ok=True)


def _exec_start(service: configparser.SectionProxy) -> list[str]:
    return service["ExecStart"].replace(INSTALL, str(ROOT)).split()


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


@needs_xvfb
def test_the_kiosk_under_its_unit_script_is_restarted_after_sigsegv_and_sigkill(tmp_path):
    service = read_unit()
    cfg = Config(station_id="ST-RST", data_dir=str(tmp_path / "data"))
    save_config(cfg, tmp_path / "kiosk.toml")
    notify = NotifySocket(tmp_path / "notify")
    display = _free_display()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "QT_"))}
    env.update(
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        KIOSK_X_SERVER=shutil.which("Xvfb") or "Xvfb",
        KIOSK_X_ARGS="-nolisten tcp -screen 0 1280x800x24",
        KIOSK_DISPLAY=display,
        KIOSK_BIN=sys.executable,
        QT_QPA_PLATFORM="xcb",  # as the unit sets it: the real X11 platform
        NOTIFY_SOCKET=str(notify.path),
        WATCHDOG_USEC="2000000",  # ping every second
        PYTHONPATH=str(ROOT),
    )
    main_pids: list[int] = []
    try:
        for kill_with in (signal.SIGSEGV, signal.SIGKILL):
            proc = subprocess.Popen(
                [*_exec_start(service), "-m", "station", "--windowed"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the unit's cgroup
            )
            try:
                notify.wait_for("READY=1", proc, timeout=90)
                first = notify.wait_for("WATCHDOG=1", proc, timeout=10)
                assert notify.wait_for("WATCHDOG=1", proc, timeout=10) > first
                # The main process (the one systemd watches and signals) is the kiosk.
                assert _cmdline(proc.pid)[:3] == [sys.executable, "-m", "station"]
                assert proc.pid not in main_pids
                main_pids.append(proc.pid)
                os.kill(proc.pid, kill_with)
                code = proc.wait(timeout=60)
            finally:
                # systemd stops what is left of the unit (the X server) before a restart.
                _stop_session(proc.pid, display)
                proc.wait(timeout=30)
            assert code == -kill_with
            assert systemd_restarts(service, code)
    finally:
        notify.close()
    assert len(main_pids) == 2
    # The X server's own READY=1 came too, and was rightly not taken for the kiosk's.
    assert any(pid not in main_pids for _t, pid, _m in notify.messages)
    crash_logs = list((Path(cfg.data_dir) / "logs").glob("crash*.log"))
    assert crash_logs and "Segmentation fault" in "".join(p.read_text() for p in crash_logs)


def test_watchdog_pings_stop_while_the_event_loop_is_frozen(qtbot, qapp, tmp_path, monkeypatch):
    from ui.app import SystemdWatchdog

    notify = NotifySocket(tmp_path / "notify")
    monkeypatch.setenv("NOTIFY_SOCKET", str(notify.path))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping every 100 ms
    arrivals: list[float] = []
    done = threading.Event()

    def receive() -> None:
        while not done.is_set():
            try:
                if notify.receive()[1] == "WATCHDOG=1":
                    arrivals.append(time.monotonic())
            except (TimeoutError, OSError):
                continue

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    watchdog = SystemdWatchdog(qapp)
    try:
        watchdog.ready()
        qtbot.wait(600)
        running = len(arrivals)
        frozen_from = time.monotonic()
        time.sleep(0.8)  # a slot that never returns, for 0.8 s
        frozen_to = time.monotonic()
        qtbot.wait(400)
    finally:
        watchdog.stopping()
        watchdog.deleteLater()
        done.set()
        reader.join(2)
        notify.close()
    assert running >= 4
    assert not [t for t in arrivals if frozen_from + 0.05 < t < frozen_to]
    assert [t for t in arrivals if t > frozen_to]  # pings again once the loop runs
