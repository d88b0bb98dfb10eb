"""Progress for a batch: a live bar on a terminal, plain log lines in cron jobs and CI."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, interval: float = 5.0):
        self.total = total
        self.done = 0
        self.failed = 0
        self.stream = stream or sys.stderr
        self.interval = interval
        self.start = time.monotonic()
        self._last = 0.0
        self._bar = None
        if total and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="页", file=self.stream, dynamic_ncols=True,
                             smoothing=0.1)

    # A rate is stated only over this much time: the first page may come from a text layer
    # or an unchanged file in a millisecond, and "110168.56 pages/s" then says nothing.
    MIN_SECONDS = 3.0

    @property
    def rate(self) -> float | None:
        """Pages per second since the start, or None while too little time has passed."""
        elapsed = time.monotonic() - self.start
        return self.done / elapsed if elapsed >= self.MIN_SECONDS else None

    def update(self, pages: int = 1, failed: int = 0) -> None:
        self.done += pages
        self.failed += failed
        if self._bar is not None:
            self._bar.update(pages)
            self._bar.set_postfix(failed=self.failed)
            return
        now = time.monotonic()
        if self.total and (now - self._last >= self.interval or self.done >= self.total):
            self._last = now
            rate = self.rate
            if rate:
                speed = f"{rate:.2f} pages/s, ETA {(self.total - self.done) / rate:.0f}s"
            else:
                speed = "测速中 measuring"
            print(f"[dangan] {self.done}/{self.total} pages, {speed}, {self.failed} failed",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
