"""The small shared harness: sizes, timing, percentiles, results and the table.

Every figure is reported as a ``Result``: what we measured (``ours``), the bare baseline
measured in the same run (``baseline``, or None where the issue sets an absolute bar),
their ratio, and the target. A figure that cannot run yet (its module has not landed)
is reported as "not measured yet", never silently dropped.
"""

from __future__ import annotations

import logging
import math
import operator
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

Status = Literal["measured", "not measured yet", "error"]
_OPS: dict[str, Callable[[float, float], bool]] = {"<=": operator.le, ">=": operator.ge}
_OP_GLYPH = {"<=": "≤", ">=": "≥"}


class NotAvailable(Exception):
    """A figure's subject has not landed yet (a module is missing): not measured yet."""


@dataclass(frozen=True)
class Sizes:
    """How large the generated stores are and how many repetitions each figure makes."""

    # The aged store: three years of a busy station (issue 16).
    volunteers: int = 100_000
    gifts: int = 2_000
    orders: int = 150_000  # each with its status history (~4 rows)
    stock_movements: int = 1_000_000
    ledger_entries: int = 500_000
    redemptions: int = 300_000
    outbox_events: int = 10_000  # still pending (placed offline)
    activities: int = 1_500  # volunteer activities (志愿活动), ~1.4 a day
    attendances: int = 30_000  # sign-ins at them, ~20 each, all signed out
    central_changes: int = 50_000
    scans: int = 1_000
    redemption_pairs: int = 1_000
    renders: int = 200
    cold_starts: int = 9  # figure 1: the bare window alone moves 185-312 ms between starts
    scroll_frames: int = 120
    smoke: bool = False


FULL = Sizes()
SMOKE = Sizes(
    volunteers=200,
    gifts=40,
    orders=300,
    stock_movements=3_000,
    ledger_entries=1_500,
    redemptions=900,
    outbox_events=100,
    activities=30,
    attendances=300,
    central_changes=200,
    scans=5,
    redemption_pairs=20,
    renders=5,
    cold_starts=1,
    scroll_frames=10,
    smoke=True,
)


@dataclass(frozen=True)
class Target:
    """``op`` applied to the ratio (kind "ratio") or to ``ours`` itself (kind "abs")."""

    op: Literal["<=", ">="]
    value: float
    kind: Literal["ratio", "abs"] = "ratio"
    unit: str = ""

    def text(self) -> str:
        suffix = "×" if self.kind == "ratio" else f" {self.unit}".rstrip()
        return f"{_OP_GLYPH[self.op]} {self.value:g}{suffix}"

    def met(self, ours: float, ratio: float | None) -> bool | None:
        subject = ratio if self.kind == "ratio" else ours
        if subject is None or math.isnan(subject):
            return None
        return _OPS[self.op](subject, self.value)


@dataclass
class Result:
    figure: str  # "4 p99"
    name: str
    unit: str
    ours: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    target: str = "—"
    passed: bool | None = None
    status: Status = "measured"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def result(
    figure: str,
    name: str,
    unit: str,
    ours: float,
    baseline: float | None = None,
    target: Target | None = None,
    note: str = "",
    **extra: Any,
) -> Result:
    """A measured figure; ratio = ours / baseline when there is a baseline."""
    ratio = ours / baseline if baseline else None
    return Result(
        figure=figure,
        name=name,
        unit=unit,
        ours=ours,
        baseline=baseline,
        ratio=ratio,
        target=target.text() if target else "—",
        passed=target.met(ours, ratio) if target else None,
        note=note,
        extra=extra,
    )


def not_measured(figure: str, name: str, why: str, target: Target | None = None) -> Result:
    return Result(
        figure=figure,
        name=name,
        unit="",
        target=target.text() if target else "—",
        status="not measured yet",
        note=why,
    )


def failed(figure: str, name: str, why: str) -> Result:
    return Result(figure=figure, name=name, unit="", status="error", note=why)


# --- timing ------------------------------------------------------------------------------


def now_ns() -> int:
    return time.perf_counter_ns()


def ms(ns: float) -> float:
    return ns / 1e6


@contextmanager
def stopwatch() -> Iterator[list[int]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed nanoseconds."""
    box = [0]
    start = time.perf_counter_ns()
    try:
        yield box
    finally:
        box[0] = time.perf_counter_ns() - start


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 50)


# --- the table ---------------------------------------------------------------------------


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".rstrip()


def _verdict(r: Result) -> str:
    if r.status != "measured":
        return r.status
    return {True: "pass", False: "MISS", None: "—"}[r.passed]


def table_rows(results: Sequence[Result]) -> list[list[str]]:
    return [
        [
            r.figure,
            r.name,
            _num(r.ours, r.unit),
            _num(r.baseline, r.unit),
            "—" if r.ratio is None else f"{r.ratio:.2f}×",
            r.target,
            _verdict(r),
        ]
        for r in results
    ]


HEADER = ["#", "figure", "ours", "baseline", "ratio", "target", "verdict"]


def format_table(results: Sequence[Result]) -> str:
    rows = [HEADER, *table_rows(results)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(results: Sequence[Result]) -> str:
    rows = table_rows(results)
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(out)


def _width(text: str) -> int:
    # CJK and full-width signs take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


ROOT = Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    """The environment for ``python -m benchmarks.…`` children: our packages importable
    from the repository root wherever the parent was started (pytest from a subfolder)."""
    import os

    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
