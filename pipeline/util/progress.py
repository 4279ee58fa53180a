"""Progress for logs: when the terminal's progress bar cannot be shown (CI, nohup, a pipe),
``tqa run`` prints a plain line now and then: count, rate and estimated time left.

Lines come at most every ``interval`` seconds (and once at the end), so a log of a
10,000-article batch stays short however fast the articles go.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class PlainProgress:
    def __init__(
        self,
        total: int,
        stream: IO[str],
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        label: str = "tqa run",
    ) -> None:
        self.total, self.stream, self.interval, self.clock, self.label = total, stream, interval, clock, label
        self.done = 0
        self.started = self.last = clock()

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        left = f", ETA {_duration((self.total - self.done) / rate)}" if rate > 0 and self.done < self.total else ""
        share = 100 * self.done / self.total if self.total else 100.0
        return f"{self.label}: {self.done}/{self.total} articles ({share:.0f}%), {rate:.1f} articles/s{left}, {_duration(elapsed)} elapsed"

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if now - self.last >= self.interval or self.done == self.total:
            self.last = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()
