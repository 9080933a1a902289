"""The type checker runs with the tests: mypy over the core, sync, printer, central, the
wire rules and the application package (configured in pyproject.toml, [tool.mypy]), and
the escape hatch stays rare."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("kiosk", "sync", "printer", "central", "station", "protocol")
MAX_IGNORES = 20


def test_mypy_finds_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"mypy found type errors:\n{done.stdout}{done.stderr}"


def test_type_ignores_stay_under_the_bar() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in CHECKED
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"#\s*type:\s*ignore", line)
    ]
    assert len(found) < MAX_IGNORES, f"{len(found)} type: ignore comments:\n" + "\n".join(found)
