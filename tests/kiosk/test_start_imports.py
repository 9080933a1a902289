"""The `kiosk` command paints home before SQLAlchemy is loaded: building its parser (every
command module) must not import it."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_command_line_does_not_load_sqlalchemy() -> None:
    code = (
        "import sys, station.cli; station.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
