"""A small in-process LRU cache whose entries expire: the first level in front of the shared cache."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

Clock = Callable[[], float]


class LocalTTLCache:
    """Hold at most `max_size` values, each for at most its own TTL; safe across threads."""

    def __init__(self, max_size: int, *, clock: Clock = time.monotonic) -> None:
        self.max_size = max_size
        self.clock = clock
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """Return the live value under `key`, or None."""
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if item[0] <= self.clock():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return item[1]

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Store `value` for `ttl` seconds, evicting the least recently used entry when full."""
        if ttl <= 0 or self.max_size <= 0:
            self.delete(key)
            return
        with self._lock:
            self._data[key] = (self.clock() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_size:
                self._data.popitem(last=False)

    def delete(self, key: str) -> None:
        """Drop `key` if present."""
        with self._lock:
            self._data.pop(key, None)

    def discard_where(self, predicate: Callable[[Any], bool]) -> int:
        """Drop every entry whose value matches `predicate`; return how many were dropped."""
        with self._lock:
            doomed = [key for key, (_, value) in self._data.items() if predicate(value)]
            for key in doomed:
                del self._data[key]
        return len(doomed)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
