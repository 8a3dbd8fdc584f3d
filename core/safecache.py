"""The shared cache as the adapter uses it: an outage is never raised, and never loses coordination.

Every operation goes to the shared cache (Redis). When it fails, the failure is logged once per
outage and, for `RETRY_AFTER` seconds, this process keeps its verification entries, breaker,
budget, leases and marks in memory instead, so it goes on working alone (no 500, breaker and
budget still enforced per process) until Redis answers again.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)
RETRY_AFTER = 5.0
_DELETE_IF_EQUAL = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def compare_and_delete(cache: BaseCache, key: str, value: str, lock: threading.Lock) -> None:
    """Delete `key` of `cache` while it holds `value`: a Lua script on django-redis, else `lock`.

    Without Redis the cache is in this process (LocMem), so holding `lock` makes it atomic.
    """
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        redis.eval(_DELETE_IF_EQUAL, 1, client.make_key(key), client.encode(value))
        return
    with lock:
        if cache.get(key) == value:
            cache.delete(key)


class SafeCache:
    """Forward cache operations to `primary`, or to an in-process fallback while it is down."""

    def __init__(
        self,
        primary: BaseCache,
        *,
        fallback: BaseCache | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback or LocMemCache(f"remote-auth-fallback-{id(self)}", {})
        self.clock = clock
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._compare_lock = threading.Lock()

    @property
    def down(self) -> bool:
        """Return True while the primary is considered down."""
        return self._down_until > self.clock()

    def get(self, key: str) -> Any:
        return self._call("get", key)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._call("get_many", keys) or {}

    def set(
        self, key: str, value: Any, timeout: int, *, fallback_timeout: int | None = None
    ) -> None:
        """Store `value`; while the primary is down keep it in-process for `fallback_timeout`."""
        self._call(
            "set", key, value, timeout, fallback_args=(key, value, fallback_timeout or timeout)
        )

    def add(self, key: str, value: Any, timeout: int) -> bool:
        return bool(self._call("add", key, value, timeout))

    def incr(self, key: str) -> int | None:
        value = self._call("incr", key)
        return value if isinstance(value, int) else None

    def decr(self, key: str) -> None:
        self._call("decr", key)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def delete_many(self, keys: list[str]) -> None:
        self._call("delete_many", keys)

    def delete_if_equal(self, key: str, value: str) -> None:
        """Delete `key` only while it holds `value`, in one atomic step (a Lua script on Redis)."""
        if not self.down:
            try:
                compare_and_delete(self.primary, key, value, self._compare_lock)
                return
            except Exception as exc:  # any backend error is an outage, never a 500
                self._mark_down(exc)
        compare_and_delete(self.fallback, key, value, self._compare_lock)

    def _call(self, operation: str, *args: Any, fallback_args: tuple[Any, ...] = ()) -> Any:
        if not self.down:
            try:
                return getattr(self.primary, operation)(*args)
            except ValueError:
                return None  # incr/decr of a missing key: not an outage
            except Exception as exc:  # any backend error is an outage, never a 500
                self._mark_down(exc)
        try:
            return getattr(self.fallback, operation)(*(fallback_args or args))
        except ValueError:
            return None

    def _mark_down(self, exc: Exception) -> None:
        with self._lock:
            if not self.down:
                logger.warning(
                    "shared cache unavailable (%s): working in-process for %.0f s",
                    type(exc).__name__,
                    RETRY_AFTER,
                )
            self._down_until = self.clock() + RETRY_AFTER
