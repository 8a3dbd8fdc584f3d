"""Broadcast invalidations to every process through Redis pub/sub, so in-process copies go at once.

Without Redis (or while it is down) nothing is broadcast; in-process entries then live at most
LOCAL_CACHE_TTL seconds, which bounds how stale another process can be.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from . import metrics
from .cache import VerificationCache

logger = logging.getLogger(__name__)
_started: dict[int, threading.Thread] = {}


def redis_client(cache: VerificationCache) -> Any:
    """Return the raw Redis client behind a django-redis cache, or None for other backends."""
    get_client = getattr(getattr(cache.state.shared.primary, "client", None), "get_client", None)
    return get_client(write=True) if get_client else None


def channel(cache: VerificationCache) -> str:
    """Return the pub/sub channel of one auth server's namespace in this deployment's cache.

    Named like the cache's own keys (its KEY_PREFIX and version): pub/sub channels are global to a
    Redis server, and deployments (or test runs) sharing one must not clear each other's copies.
    """
    return _redis_name(cache, cache.state.key("events", "invalidate"))


def _pattern(cache: VerificationCache) -> str:
    """Return the pattern of every namespace's channel in this deployment's cache."""
    return _redis_name(cache, f"{cache.state.prefix}:*:events:invalidate")


def _redis_name(cache: VerificationCache, name: str) -> str:
    return str(cache.state.shared.primary.make_key(name))


def broadcast(cache: VerificationCache, kind: str, name: str) -> None:
    """Tell every process to drop its in-process copy of a token, a user or everything."""
    client = redis_client(cache)
    if client is None:
        return
    try:
        client.publish(channel(cache), f"{kind} {name}")
    except Exception as exc:  # a missed broadcast is bounded by LOCAL_CACHE_TTL
        logger.warning("invalidation broadcast failed: %s", type(exc).__name__)


def apply(cache: VerificationCache, message: str) -> None:
    """Apply one broadcast message to this process's in-process cache."""
    kind, _, name = message.partition(" ")
    if kind == "token":
        cache.evict_local(name)
    elif kind == "user":
        cache.evict_local_user(name)
    elif kind == "all":
        cache.clear_local()
    else:
        return
    metrics.INVALIDATIONS.labels(kind=kind).inc()


def listen(current: Callable[[], VerificationCache]) -> None:
    """Start this process's listener once (per process id, so forked workers get their own).

    `current` returns the verification cache in use, which settings changes may replace.
    """
    if redis_client(current()) is None or os.getpid() in _started:
        return
    thread = threading.Thread(target=_loop, args=(current,), name="auth-invalidation", daemon=True)
    _started[os.getpid()] = thread
    thread.start()


def _loop(current: Callable[[], VerificationCache]) -> None:
    delay = 0.5
    while True:
        try:
            pubsub = redis_client(current()).pubsub(ignore_subscribe_messages=True)
            pubsub.psubscribe(_pattern(current()))
            current().clear_local()  # whatever was broadcast while we were not listening is lost
            metrics.INVALIDATION_SUBSCRIPTIONS.inc()
            delay = 0.5
            for message in pubsub.listen():
                _dispatch(current(), message)
        except Exception as exc:  # keep listening across Redis restarts
            logger.warning("invalidation listener reconnecting: %s", type(exc).__name__)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


def _dispatch(cache: VerificationCache, message: dict[str, Any]) -> None:
    name, data = message.get("channel"), message.get("data")
    if isinstance(name, bytes) and name.decode() == channel(cache) and isinstance(data, bytes):
        apply(cache, data.decode())
