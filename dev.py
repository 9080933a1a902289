#!/usr/bin/env python3
"""One entry point for a fresh machine with nothing but Python 3.11+.

    python3 dev.py demo     # venv + locked deps, then the kiosk in demo mode
    python3 dev.py test     # venv + locked deps, then the whole suite, headless
    python3 dev.py bench    # the performance suite (benchmarks/); --only 9 for one figure
    python3 dev.py bundle   # the PyInstaller one-folder bundle, then its --self-test
    python3 dev.py lint     # ruff

It creates ``.venv`` from ``requirements.lock`` (hashes checked) the first time and
again whenever the lock changes, and, when run as root on Debian, installs the few
system libraries Qt needs if they are missing. Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".lock-sha256"

# Debian packages: Qt's offscreen platform needs the first group; a real display (xcb)
# needs the second. Each maps a library file to the package that ships it.
QT_LIBS = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
XCB_LIBS = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
}


def say(text: str) -> None:
    print(f"[dev] {text}", flush=True)


def missing_libs(libs: dict[str, str]) -> list[str]:
    if not sys.platform.startswith("linux") or not shutil.which("ldconfig"):
        return []
    known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    return sorted({pkg for lib, pkg in libs.items() if lib not in known})


def ensure_system_libs(libs: dict[str, str]) -> None:
    packages = missing_libs(libs)
    if not packages:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing system libraries Qt needs: {' '.join(packages)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *packages],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    else:
        say(f"Qt may need these Debian packages: sudo apt-get install -y {' '.join(packages)}")


def lock_digest() -> str:
    data = (ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    return hashlib.sha256(data).hexdigest()


def ensure_venv() -> None:
    # dev.py runs under whatever python3 the machine has, older ones included.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    digest = lock_digest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    if not PY.exists():
        say("creating .venv")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            if os.geteuid() == 0 and shutil.which("apt-get"):
                ver = f"{sys.version_info.major}.{sys.version_info.minor}"
                apt = ["apt-get", "install", "-y", "-qq", f"python{ver}-venv"]
                subprocess.run(apt, check=False)
                shutil.rmtree(VENV, ignore_errors=True)
                subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            else:
                sys.exit("python3 -m venv failed: sudo apt-get install -y python3-venv")
    say("installing locked dependencies (requirements.lock)")
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "install", "-q", "--require-hashes", "-r", str(ROOT / "requirements.lock")],
        check=True,
    )
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True
    )
    STAMP.write_text(digest)


def run(cmd: list[str], **env: str) -> int:
    child = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the child too (same terminal): it stops cleanly on its own and
            # says so; wait for it instead of printing this script's traceback over that.
            continue


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    ensure_venv()
    if command == "demo":
        ensure_system_libs(QT_LIBS)
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
            ensure_system_libs(XCB_LIBS)
        elif "-platform" not in rest:
            say("no display found: starting offscreen (pass -platform xcb to override)")
            rest = [*rest, "-platform", "offscreen"]
        return run([str(BIN / "kiosk"), "--demo", *rest])
    if command == "test":
        ensure_system_libs(QT_LIBS)
        # The long fault loops (hundreds of kills) are marked slow; each has a bounded
        # version that always runs. KIOSK_SLOW=1 (or an explicit -m) runs them too.
        if not os.environ.get("KIOSK_SLOW") and "-m" not in rest:
            rest = ["-m", "not slow", *rest]
        return run([str(PY), "-m", "pytest", *rest], QT_QPA_PLATFORM="offscreen")
    if command == "bench":
        ensure_system_libs(QT_LIBS)
        return run([str(PY), "-m", "benchmarks", *rest], QT_QPA_PLATFORM="offscreen")
    if command == "bundle":
        ensure_system_libs(QT_LIBS)
        # Builds, then runs the frozen --self-test with no Python reachable and a fresh HOME.
        return run(["bash", str(ROOT / ".ci" / "bundle.sh"), *rest])
    if command == "lint":
        ruff = str(BIN / "ruff")
        return run([ruff, "check", "."]) or run([ruff, "format", "--check", "."])
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
