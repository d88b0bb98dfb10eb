"""Counting events per key in a sliding window, in memory: login failures per account and
per address, partner API calls per token.

Per process: waitress runs one, so this is the whole server. Restarting resets the counts,
which is acceptable for limits meant to stop guessing and floods, not to keep records.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class SlidingWindow:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self._events[key]
        while q and now - q[0] > self.seconds:
            q.popleft()
        return q

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._trim(key, time.monotonic()))

    def add(self, key: str) -> None:
        with self._lock:
            self._trim(key, time.monotonic()).append(time.monotonic())

    def allow(self, key: str, limit: int) -> bool:
        """Record one event unless `limit` were seen in the window already."""
        now = time.monotonic()
        with self._lock:
            q = self._trim(key, now)
            if len(q) >= limit:
                return False
            q.append(now)
            return True

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
