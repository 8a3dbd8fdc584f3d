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
from redis.exceptions import WatchError

from .batch import Batch, Op, pipelined

logger = logging.getLogger(__name__)
RETRY_AFTER = 5.0
_DELETE_IF_EQUAL = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

_SET_IF_UNMOVED = """
if redis.call('exists', KEYS[1]) == 1 then return 0 end
if tonumber(redis.call('get', KEYS[2])) ~= tonumber(ARGV[3]) then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
if KEYS[3] and redis.call('get', KEYS[3]) == ARGV[4] then redis.call('del', KEYS[3]) end
return 1
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


Refuse = Callable[[dict[str, Any]], bool]


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

    def set_unless(
        self,
        key: str,
        value: Any,
        timeout: int,
        *,
        watch: list[str],
        refuse: Refuse,
        fallback_timeout: int | None = None,
    ) -> bool:
        """Store `value` unless `refuse(current values of the watch keys)`; return whether stored.

        One atomic step on Redis (WATCH/MULTI/EXEC, retried while a watched key changes); under a
        process lock on other backends and on the in-process fallback, where no other process
        writes.
        """
        if not self.down:
            try:
                return self._set_unless_primary(key, value, timeout, watch, refuse)
            except Exception as exc:  # any backend error is an outage, never a 500
                self._mark_down(exc)
        fallback = fallback_timeout or timeout
        return self._set_unless_locked(self.fallback, key, value, fallback, watch, refuse)

    def set_if_unmoved(
        self,
        key: str,
        value: Any,
        timeout: int,
        *,
        counter: str,
        expected: int,
        release: tuple[str, str] | None = None,
    ) -> bool:
        """Store `value` while `key` is absent and `counter` holds `expected`, then delete
        `release` (key, value) while it holds that value: one Lua script on Redis.

        Return False, having done nothing, when either condition fails, on other backends and
        while Redis is down: the caller then decides by `set_unless`.
        """
        client: Any = getattr(self.primary, "client", None)
        if self.down or not hasattr(client, "get_client"):
            return False
        keys = [client.make_key(key), client.make_key(counter)]
        argv = [client.encode(value), timeout, expected]
        if release is not None:
            keys.append(client.make_key(release[0]))
            argv.append(client.encode(release[1]))
        try:
            return bool(
                client.get_client(write=True).eval(_SET_IF_UNMOVED, len(keys), *keys, *argv)
            )
        except Exception as exc:  # any backend error is an outage, never a 500
            self._mark_down(exc)
            return False

    def _set_unless_primary(
        self, key: str, value: Any, timeout: int, watch: list[str], refuse: Refuse
    ) -> bool:
        client: Any = getattr(self.primary, "client", None)
        if not hasattr(client, "get_client"):  # not django-redis: this process is the only writer
            return self._set_unless_locked(self.primary, key, value, timeout, watch, refuse)
        names = {client.make_key(name): name for name in watch}
        with client.get_client(write=True).pipeline() as pipe:
            while True:
                try:
                    pipe.watch(*names)
                    raw = zip(names.values(), pipe.mget(list(names)), strict=True)
                    if refuse({name: client.decode(v) for name, v in raw if v is not None}):
                        pipe.unwatch()
                        return False
                    pipe.multi()
                    pipe.set(client.make_key(key), client.encode(value), ex=timeout)
                    pipe.execute()
                    return True
                except WatchError:
                    continue  # a watched key changed in between: decide again

    def _set_unless_locked(
        self, cache: BaseCache, key: str, value: Any, timeout: int, watch: list[str], refuse: Refuse
    ) -> bool:
        with self._lock:
            if refuse(cache.get_many(watch)):
                return False
            cache.set(key, value, timeout)
            return True

    def batch(self) -> Batch:
        """Return an empty Batch of operations on this cache."""
        return Batch(self.send)

    def send(self, ops: list[Op]) -> None:
        """Run a Batch's operations: pipelined on Redis, else (or while it is down) one by one."""
        client: Any = getattr(self.primary, "client", None)
        if not self.down and hasattr(client, "get_client"):
            try:
                pipelined(client, ops)
                return
            except Exception as exc:  # any backend error is an outage, never a 500
                self._mark_down(exc)
        claimed = [op for op in ops if op[3]]
        for operation, args, pending, is_claimed in ops:
            if is_claimed:
                continue
            pending.value = getattr(self, "add" if operation == "claim" else operation)(*args)
            if operation == "claim" and pending.value:
                for claimed_operation, claimed_args, claimed_pending, _ in claimed:
                    claimed_pending.value = getattr(self, claimed_operation)(*claimed_args)

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
