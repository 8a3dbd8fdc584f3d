"""A deployment-wide budget of calls to the auth server, kept below its rate limit.

A sliding-window counter in the shared cache: the estimate is this minute's count plus the share of
the previous minute's count that still falls inside the last 60 seconds. A call over budget is
refused before it leaves, as *unavailable*.
"""

import math
import time
from collections.abc import Callable

from .cache import VerificationCache
from .exceptions import Unavailable

WINDOW = 60.0


class UpstreamBudget:
    """Allow at most `per_minute` auth-server calls per sliding minute across every process."""

    def __init__(
        self,
        cache: VerificationCache,
        *,
        per_minute: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.per_minute = per_minute
        self.clock = clock

    def spend(self) -> None:
        """Take one call from the budget; raise Unavailable when none is left."""
        if self.per_minute <= 0:
            return
        now = self.clock()
        window = int(now // WINDOW)
        current_key = self.cache.key("budget", str(window))
        shared = self.cache.shared
        shared.add(current_key, 0, int(WINDOW * 2) + 1)
        current = shared.incr(current_key)
        if current is None:
            return  # the counter vanished between add and incr: count this call as free
        previous = shared.get(self.cache.key("budget", str(window - 1))) or 0
        overlap = 1.0 - (now % WINDOW) / WINDOW
        if previous * overlap + current > self.per_minute:
            shared.decr(current_key)
            wait = max(1, math.ceil(WINDOW - now % WINDOW))
            raise Unavailable("upstream call budget spent", retry_after=wait)

    def used(self) -> float:
        """Return the calls counted in the current sliding minute."""
        now = self.clock()
        window = int(now // WINDOW)
        keys = [self.cache.key("budget", str(window)), self.cache.key("budget", str(window - 1))]
        values = self.cache.shared.get_many(keys) or {}
        current, previous = (values.get(key) or 0 for key in keys)
        return float(previous * (1.0 - (now % WINDOW) / WINDOW) + current)
