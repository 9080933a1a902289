"""Placeholder until this figure's subject lands."""

from __future__ import annotations

from benchmarks.context import RunContext
from benchmarks.harness import NotAvailable, Result


def run(ctx: RunContext) -> list[Result]:
    raise NotAvailable("not written yet")
