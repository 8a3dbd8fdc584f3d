"""Prometheus metrics of verification, the auth server and mirroring.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers), prometheus_client aggregates
every worker's counters; the breaker state is read from the shared cache at scrape time.
"""

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .vocabulary import CACHE_SOURCES, Outcome, Stage

VERIFICATIONS = Counter(
    "saas_auth_verifications_total",
    "Token verifications by outcome and by where the answer came from.",
    ["outcome", "source"],
)
UPSTREAM_SECONDS = Histogram(
    "saas_auth_server_request_seconds",
    "Latency of calls to the auth server, by path and HTTP status (or 'error').",
    ["path", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
FLIGHT_WAITS = Counter(
    "saas_auth_singleflight_waits_total",
    "Verifications that waited for a concurrent verification of the same token.",
)
SYNC_WRITES = Counter(
    "saas_auth_sync_writes_total",
    "Rows written while mirroring identities, by model and kind (create/update).",
    ["model", "kind"],
)
INVALIDATIONS = Counter(
    "saas_auth_invalidations_total",
    "Invalidation broadcasts this process applied, by kind (token, user, all).",
    ["kind"],
)
INVALIDATION_SUBSCRIPTIONS = Counter(
    "saas_auth_invalidation_subscriptions_total",
    "Times a process subscribed to invalidation broadcasts: once at start, again after each lost "
    "connection to Redis (in between, in-process copies live up to LOCAL_CACHE_TTL).",
)
BREAKER_STATES = {"closed": 0.0, "half-open": 1.0, "open": 2.0}


def record_verification(outcome: Outcome, source: Stage) -> None:
    """Count one verification outcome."""
    _verification_counter(outcome, source).inc()


@cache
def _verification_counter(outcome: Outcome, source: Stage) -> Any:
    """Return the labelled counter (labels() takes a lock; this runs on every request)."""
    return VERIFICATIONS.labels(outcome=outcome, source=source)


def observe_upstream(path: str, outcome: str, seconds: float) -> None:
    """Record one auth-server call's latency (an `AuthServiceClient` observer)."""
    UPSTREAM_SECONDS.labels(path=path, outcome=outcome).observe(seconds)


def record_sync_write(model: str, kind: str) -> None:
    """Count one row created or updated by mirroring."""
    SYNC_WRITES.labels(model=model, kind=kind).inc()


class StateCollector(Collector):
    """Report the breaker state and this process's cache hit ratio at scrape time.

    `breaker_state` returns "closed", "half-open" or "open" (core.wiring.breaker_state).
    """

    def __init__(self, breaker_state: Callable[[], str]) -> None:
        self.breaker_state = breaker_state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = self.breaker_state()
        breaker = GaugeMetricFamily(
            "saas_auth_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open."
        )
        breaker.add_metric([], BREAKER_STATES.get(state, 0.0))
        yield breaker
        ratio = GaugeMetricFamily(
            "saas_auth_cache_hit_ratio",
            "Share of successful verifications this process answered from a cache.",
        )
        ratio.add_metric([], self.hit_ratio())
        yield ratio

    def hit_ratio(self) -> float:
        """Return cache hits / successful verifications counted in this process (0 when none)."""
        counts = {
            sample.labels["source"]: sample.value
            for metric in VERIFICATIONS.collect()
            for sample in metric.samples
            if sample.name.endswith("_total") and sample.labels.get("outcome") == "ok"
        }
        total = sum(counts.values())
        return sum(counts.get(source, 0.0) for source in CACHE_SOURCES) / total if total else 0.0
