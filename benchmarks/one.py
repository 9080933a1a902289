"""One figure in a fresh interpreter: ``python -m benchmarks.one N SIZES WORKDIR OUT``.

Figures share nothing but the large-store template: a window, a heap or a thread left by
one figure must not slow the next (a hidden window's idle timer, a gen-2 collection over
another figure's objects), so the runner gives each figure its own process."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from benchmarks.context import RunContext
from benchmarks.harness import FULL, SMOKE


def main(argv: list[str]) -> int:
    number, sizes_name, workdir, out = argv
    level = os.environ.get("BENCH_LOG_LEVEL", "WARNING")
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from benchmarks.runner import run_figure

    ctx = RunContext(sizes=SMOKE if sizes_name == "smoke" else FULL, workdir=Path(workdir))
    rows = run_figure(number, ctx)
    Path(out).write_text(json.dumps([r.as_dict() for r in rows], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
