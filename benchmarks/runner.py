"""Runs the figures in order; a figure whose subject has not landed is "not measured
yet", a figure that breaks is an "error" row with the exception, and the run goes on."""

from __future__ import annotations

import compileall
import importlib
import json
import logging
import subprocess
import sys
import time
import traceback
from pathlib import Path

from benchmarks.context import RunContext
from benchmarks.harness import (
    ROOT,
    NotAvailable,
    Result,
    Sizes,
    child_env,
    failed,
    not_measured,
)

log = logging.getLogger(__name__)
CHILD_TIMEOUT_S = 1800  # figure 9 at full size starts, seeds and drives three servers

# figure number → (module, what it measures)
FIGURES: dict[str, tuple[str, str]] = {
    "1": ("benchmarks.fig1_cold_start", "cold start to interactive home"),
    "2": ("benchmarks.fig2_memory", "peak memory at home, idle"),
    "3": ("benchmarks.fig3_scan", "scan to balance painted"),
    "4": ("benchmarks.fig4_redemption", "redemption commit"),
    "5": ("benchmarks.fig5_drain", "drain outbox to central"),
    "6": ("benchmarks.fig6_responsive", "QTimer gap while syncing"),
    "7": ("benchmarks.fig7_receipts", "receipt to ESC/POS bytes"),
    "8": ("benchmarks.fig8_gift_grid", "gift grid paint and scroll"),
    "9": ("benchmarks.fig9_city", "central for a city: 200 stations on PostgreSQL"),
    "10": ("benchmarks.fig10_soak", "a working day compressed (soak)"),
    "11": ("benchmarks.fig11_start_stall", "main-thread stall in the first 30 s after start"),
}

# The project's own packages; what the interpreter and pip installed is compiled already.
PACKAGES = ("kiosk", "ui", "station", "sync", "printer", "protocol", "central", "benchmarks")

# The figures that copy the large kiosk store (``--only 9`` need not build it).
NEEDS_LARGE_STORE = {"3", "4", "5", "6", "7", "8", "10", "11"}


def run_figure(number: str, ctx: RunContext) -> list[Result]:
    module_name, title = FIGURES[number]
    try:
        module = importlib.import_module(module_name)
        return module.run(ctx)
    except NotAvailable as exc:
        log.warning("figure %s not measured yet: %s", number, exc)
        return [not_measured(number, title, str(exc))]
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(("ui", "kiosk", "sync", "printer", "central")):
            return [not_measured(number, title, f"{exc.name} has not landed")]
        log.exception("figure %s failed", number)
        return [failed(number, title, _short(exc))]
    except Exception as exc:
        log.exception("figure %s failed", number)
        return [failed(number, title, _short(exc))]


def _short(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:]
    at = f" at {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno}" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"[:300]


def run_isolated(number: str, ctx: RunContext) -> list[Result]:
    """``run_figure`` in a fresh interpreter (see benchmarks.one)."""
    out = ctx.workdir / f"fig{number}.json"
    sizes = "smoke" if ctx.sizes.smoke else "full"
    env = child_env(BENCH_LOG_LEVEL=logging.getLevelName(log.getEffectiveLevel()))
    cmd = [sys.executable, "-m", "benchmarks.one", number, sizes, str(ctx.workdir), str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    if proc.returncode != 0 or not out.exists():
        title = FIGURES[number][1]
        return [failed(number, title, f"child exited {proc.returncode}: {proc.stderr[-200:]}")]
    return [Result(**row) for row in json.loads(out.read_text(encoding="utf-8"))]


def compile_packages() -> None:
    """Byte-compile the project's modules before any child starts.

    A station never compiles its code at start: the frozen build carries bytecode, a
    pip install compiles at install time and a checkout caches it on the first run. A
    shell with ``PYTHONDONTWRITEBYTECODE`` set (or a read-only checkout) would instead make
    every timed start parse and compile the ~80 project modules the kiosk imports, which
    no station does: figure 1 read ~65 ms later to home
    and ~0.1 s later to the first tap that way (4 interleaved pairs; memory unchanged).
    ``compileall`` writes the caches whatever that variable says."""
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir() and not compileall.compile_dir(folder, quiet=1):
            log.warning("%s did not compile completely; its children compile at start", package)


def run_figures(numbers: list[str], sizes: Sizes, workdir: Path) -> tuple[list[Result], float]:
    ctx = RunContext(sizes=sizes, workdir=workdir)
    start = time.perf_counter()
    compile_packages()
    if set(numbers) & NEEDS_LARGE_STORE:
        ctx.large_store()  # once for the whole run; each figure copies it
    results: list[Result] = []
    for number in numbers:
        t = time.perf_counter()
        rows = run_isolated(number, ctx)
        log.info("figure %s: %.1f s", number, time.perf_counter() - t)
        results.extend(rows)
    return results, time.perf_counter() - start
