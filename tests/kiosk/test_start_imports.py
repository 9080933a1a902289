"""The `kiosk` command paints home before SQLAlchemy is loaded: building its parser (every
command module) must not import it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_building_the_command_line_does_not_load_sqlalchemy() -> None:
    code = (
        "import sys, station.cli; station.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_way_to_home_leaves_out_what_only_some_stations_use() -> None:
    """platformdirs (a station without KIOSK_CONFIG), http.client (a CUPS printer's IPP),
    hmac and OpenSSL (an error code) cost ~25 ms of a start that waits for them; they load
    when used, and still work then."""
    code = (
        "import os, sys; os.environ['KIOSK_CONFIG'] = '/nonexistent/kiosk.toml'\n"
        "import station.cli, station.commands.run, station.runtime, ui.app, ui.window\n"
        "import kiosk.print_queue, printer.connections, printer.transports, kiosk.paths\n"
        "kiosk.paths.config_file()\n"
        "late = ('platformdirs', 'http.client', 'printer.ipp', 'secrets', 'hmac')\n"
        "print(sorted(m for m in late if m in sys.modules))\n"
        "import ui.operations; assert ui.operations.short_code().startswith('E-')\n"
        "assert kiosk.paths.data_dir().name\n"
        "print(sorted(m for m in late if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    before, after = out.stdout.splitlines()
    assert before == "[]", out.stdout
    assert "platformdirs" in after and "secrets" in after, out.stdout


def test_a_plain_start_reads_its_options_without_loading_the_commands() -> None:
    """A station's `kiosk` names no command: the eight command modules (and argparse's
    help for each) are left out of its start; a command, help or a typo still sees them."""
    code = (
        "import sys, station.cli\n"
        "parser, args, extra = station.cli.parse(['--data-dir', '/tmp/x', '-reverse'])\n"
        "print(args.func.__module__, args.data_dir, extra)\n"
        "print(sorted(m for m in sys.modules if m.startswith('station.commands.')))\n"
        "parser, args, extra = station.cli.parse(['--data-dir', '/tmp/x', 'doctor'])\n"
        "print(args.func.__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    plain, loaded, doctor = out.stdout.splitlines()
    assert plain == "station.commands.run /tmp/x ['-reverse']", out.stdout
    assert loaded == "['station.commands.run']", out.stdout
    assert doctor == "station.commands.doctor", out.stdout


def test_a_provisioned_start_loads_the_http_stack_with_its_first_call(tmp_path) -> None:
    """The start builds the sync client (the sync strip and the authoriser hold it) before
    the first tap is served; requests and urllib3 (~60 ms, 8 MiB) load with the first call
    to central, which the sync engine makes once released, and the call works then."""
    code = (
        "import sys, time\n"
        "from kiosk.config import Config\n"
        "from station import runtime\n"
        f"cfg = Config(station_id='ST-IMP', data_dir={str(tmp_path)!r}, printer_connection="
        "'dummy:', server_url='http://127.0.0.1:9', token='t')\n"
        "rt = runtime.start(cfg, hold_background=True)\n"
        "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))\n"
        "rt.release_background()\n"
        "deadline = time.monotonic() + 30\n"
        "while rt.sync.status().last_error is None and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))\n"
        "print(rt.sync.status().last_error)\n"
        "rt.stop()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    before, after, error = out.stdout.splitlines()[-3:]
    assert before == "[]", out.stdout
    assert after == "['requests', 'urllib3']", out.stdout
    assert error not in ("", "None"), out.stdout  # nothing listens on port 9: it says so
