"""Whether the auth server is reachable, asked on its health path at most once per few seconds.

Up means it answered HTTP below 500: some servers have no health endpoint (404) or a health body
without `status`, and still serve every token. The probe goes straight to the client: it spends
none of the upstream budget and never counts toward the breaker.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .client import AuthServiceClient, HealthAnswer
from .exceptions import AuthServiceError


@dataclass(frozen=True)
class Reachability:
    """The outcome of one probe: up or not, the HTTP status, the body's descriptive fields."""

    up: bool
    http_status: int | None = None
    details: dict[str, str] = field(default_factory=dict)
    reason: str = ""


class ReachabilityProbe:
    """Probe `path` through `client`; answer from memory for `ttl` seconds after each probe."""

    def __init__(
        self,
        client: AuthServiceClient,
        path: str,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client, self._path, self._ttl, self._clock = client, path, ttl, clock
        self._lock = threading.Lock()
        self._last: tuple[float, Reachability] | None = None

    def check(self) -> Reachability:
        """Return the latest outcome, probing again when it is older than `ttl`."""
        with self._lock:
            now = self._clock()
            if self._last is None or now - self._last[0] >= self._ttl:
                self._last = (now, self._probe())
            return self._last[1]

    def _probe(self) -> Reachability:
        try:
            answer: HealthAnswer = self._client.health(self._path)
        except AuthServiceError as exc:
            return Reachability(up=False, reason=exc.reason)
        return Reachability(up=True, http_status=answer.status, details=answer.details())
