"""Rate limits per caller: a token bucket in Redis, one script call (one round trip) per request.

`API_RATE_LIMIT` ("100/min") is the sustained rate and `API_RATE_BURST` (50) the bucket's size: a
caller may send that many requests at once, then one per 1/rate. Unset, the throttle is off and
sends no Redis command. Callers are keyed by their user (`user:<pk>`), anonymous ones by client
address (core.clientaddr). A cache that cannot answer lets the request through (logged): a rate
limit is not worth an outage. The bucket is refilled by Redis's clock, so hosts' clocks never meet.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django_redis import get_redis_connection
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from core.clientaddr import client_key

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# KEYS[1]: the bucket; ARGV: capacity, tokens per second. Returns the seconds to wait ("0": taken).
BUCKET_SCRIPT = """
local capacity = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_second)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / per_second end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / per_second) + 1)
return string.format('%.6f', wait)
"""


@dataclass(frozen=True)
class Rate:
    """A sustained rate and the burst allowed on top of it."""

    per_second: float
    burst: int


def parse_rate(rate: str, burst: int) -> Rate:
    """Return the Rate of "N/period" (period s, min, hour or day); raise ValueError when malformed."""
    count, _, period = rate.partition("/")
    seconds = PERIODS.get(period.strip()[:1].lower())
    if seconds is None or int(count) <= 0 or burst < 1:
        raise ValueError(f"not a rate: {rate!r} with burst {burst}")
    return Rate(per_second=int(count) / seconds, burst=burst)


def configured_rate() -> Rate | None:
    """Return the rate of `API_RATE_LIMIT` and `API_RATE_BURST`, or None when rate limits are off."""
    if not settings.API_RATE_LIMIT:
        return None
    return parse_rate(settings.API_RATE_LIMIT, settings.API_RATE_BURST)


class TokenBucket:
    """Callers' buckets in the Redis of a cache alias; the one place their keys are made."""

    prefix = "ratelimit:v1:"

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    def take(self, ident: str, rate: Rate) -> float:
        """Take a token from `ident`'s bucket: return 0, or the seconds until one is there.

        Raises RedisError when Redis cannot answer, NotImplementedError when the cache is not Redis.
        """
        key = caches[self.alias].make_key(self.prefix + ident)
        script = get_redis_connection(self.alias).register_script(BUCKET_SCRIPT)
        return float(script(keys=[key], args=[rate.burst, rate.per_second]))


class CallerRateThrottle(BaseThrottle):
    """Limit every caller to `API_RATE_LIMIT` with bursts of `API_RATE_BURST` (off when unset)."""

    bucket = TokenBucket()

    def __init__(self) -> None:
        self.wait_seconds = 0.0

    def allow_request(self, request: Any, view: Any) -> bool:
        rate = configured_rate()
        if rate is None:
            return True
        try:
            self.wait_seconds = self.bucket.take(self.get_ident(request), rate)
        except (RedisError, NotImplementedError) as exc:
            logger.warning(
                "rate limit not applied: the cache cannot answer (%s)", type(exc).__name__
            )
            return True
        return self.wait_seconds == 0

    def get_ident(self, request: Any) -> str:
        """Return the caller: its user, or its client address when anonymous."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"client:{client_key(request.META)}"

    def wait(self) -> float | None:
        return self.wait_seconds or None
