"""Count requests per `METHOD /path`, for tests that assert how often a client called.

Counted: every request to `/health` or under `/api/` (routed or 404), including those
answered by a fault or refused by the rate limit. Not counted: the control API.
"""

import threading
from collections import Counter


class CallCounter:
    """Count calls keyed by method and path (query string excluded), thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, method: str, path: str) -> None:
        """Count one `method` call of `path`."""
        with self._lock:
            self._counts[f"{method} {path}"] += 1

    def snapshot(self) -> dict[str, int]:
        """Return a copy of the counts."""
        with self._lock:
            return dict(self._counts)

    def clear(self) -> None:
        """Reset every count to zero."""
        with self._lock:
            self._counts.clear()
