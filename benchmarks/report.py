"""``python -m benchmarks.report [JSON]``: the latest results as the Markdown table and
machine description that docs/performance.md keeps."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.harness import Result, markdown_table

DEFAULT = Path(__file__).resolve().parent / "results" / "latest.json"


def render(report: dict) -> str:
    m = report["machine"]
    results = [Result(**r) for r in report["results"]]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; {m['os']}; "
        f"Python {m['python']}; {m['qt']}; QT_QPA_PLATFORM={m['qpa'] or '(default)'}.",
        f"Run time: {report['seconds']:.0f} s."
        + (f" Load average at the end (1/5/15 min): {m['load']}." if m.get("load") else ""),
        "",
        markdown_table(results),
        "",
        "Notes per row:",
        "",
    ]
    lines += [f"- **{r.figure}** {r.note}" for r in results if r.note]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    print(render(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
