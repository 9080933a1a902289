"""Entry point of the frozen (PyInstaller) bundle: ``dist/kiosk/kiosk``.

It does the few things that must happen before any of our packages import a library
with side effects at import time, then hands over to the normal CLI.
"""

from __future__ import annotations

import os
import sys


def _prepare_environment() -> None:
    # python-escpos pickles its printer database at *import* time into
    # ESCPOS_CAPABILITIES_PICKLE_DIR, defaulting to a fresh mkdtemp() on every start
    # (a leak per start on a kiosk that runs for months). Point it into the data dir,
    # before anything imports escpos.
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        from kiosk import paths

        cache = paths.data_dir() / "cache" / "escpos"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
        except OSError:
            pass  # escpos falls back to a temp dir; doctor reports the unwritable data dir


def _demo_available() -> bool:
    try:
        import central.embedded  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _prepare_environment()
    if "--self-test" in argv:
        from station.selftest import run_self_test

        return run_self_test([a for a in argv if a != "--self-test"])
    if "--demo" in argv and not _demo_available():
        # The station bundle leaves the central server out (see docs/deploy.md).
        print(
            "演示模式不包含在站点安装包中，请在源码目录运行 python3 dev.py demo。\n"
            "Demo mode is not part of the station bundle; run `python3 dev.py demo` "
            "from a source checkout.",
            file=sys.stderr,
        )
        return 2
    from station.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
