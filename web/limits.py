"""Counting events per key in a sliding window, in memory: login failures per account and
address, partner API calls per token, verification and status-lookup misses per address.

Per process: waitress runs one, so this is the whole server. Restarting resets the counts,
which is acceptable for limits meant to stop guessing and floods, not to keep records.

Memory stays bounded: asking about a key stores nothing, a key whose events have all expired
is dropped, and past `max_keys` keys the one unused longest is forgotten (a flood of made-up
user names costs at most that many small entries, not memory forever).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

MAX_KEYS = 20_000


class SlidingWindow:
    def __init__(self, seconds: float, max_keys: int = MAX_KEYS):
        self.seconds = seconds
        self.max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float] | None:
        q = self._events.get(key)
        if q is None:
            return None
        while q and now - q[0] > self.seconds:
            q.popleft()
        if not q:
            del self._events[key]
            return None
        return q

    def _append(self, key: str, now: float) -> None:
        q = self._trim(key, now)
        if q is None:
            q = self._events[key] = deque()
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)  # the key unused longest
        else:
            self._events.move_to_end(key)
        q.append(now)

    def count(self, key: str) -> int:
        with self._lock:
            q = self._trim(key, time.monotonic())
            return len(q) if q else 0

    def add(self, key: str) -> None:
        with self._lock:
            self._append(key, time.monotonic())

    def allow(self, key: str, limit: int) -> bool:
        """Record one event unless `limit` were seen in the window already."""
        now = time.monotonic()
        with self._lock:
            q = self._trim(key, now)
            if q is not None and len(q) >= limit:
                return False
            self._append(key, now)
            return True

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def clear_prefix(self, prefix: str) -> None:
        with self._lock:
            for key in [k for k in self._events if k.startswith(prefix)]:
                del self._events[key]

    def __len__(self) -> int:
        return len(self._events)
