"""What one run of the suite shares between figures: sizes, a work dir on the same disk
as a station's data dir would be, and the aged store (cached across runs: see
``benchmarks.datagen``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.datagen import LargeStore, aged_store, copy_store, load_large, save_large
from benchmarks.harness import Sizes

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    sizes: Sizes
    workdir: Path
    _large: LargeStore | None = field(default=None, repr=False)

    def large_store(self) -> LargeStore:
        """The template large store, generated on first use in this run only."""
        if self._large is None:
            described = self.workdir / "large-template.json"
            if described.exists():  # made by the parent run for this child
                self._large = load_large(described)
            else:
                log.info("the aged store (%s)", self.sizes)
                self._large = aged_store(self.sizes, self.workdir / "large-template.db")
                save_large(self._large, described)
        return self._large

    def copy_of_large(self, name: str) -> Path:
        """A private copy of the large store for a figure that writes to it."""
        return copy_store(self.large_store().path, self.workdir / name)
