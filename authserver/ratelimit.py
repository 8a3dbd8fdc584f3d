"""Limit requests per client with a sliding window (a log of recent request times)."""

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Allow `limit` requests per key within any `window` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> int | None:
        """Count one request for `key`; return None if allowed, else Retry-After seconds.

        Refused requests are not counted, so a client that waits is let in on time.
        """
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) < self._limit:
                hits.append(now)
                return None
            return max(1, math.ceil(hits[0] + self._window - now))

    def clear(self) -> None:
        """Forget every client's history."""
        with self._lock:
            self._hits.clear()
