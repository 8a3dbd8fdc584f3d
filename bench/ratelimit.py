"""`python -m bench.ratelimit [--calls N]`: what the per-caller rate limit adds to a request.

Times `apps.edge.ratelimit.CallerRateThrottle.allow_request` in process, off (`API_RATE_LIMIT`
unset, the default) and on (a rate no run reaches, so every call takes a token from Redis), against
the bench's Redis, and counts the Redis round trips each call makes. Prints one table.
"""

import argparse
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from core.contract.probe import percentile

from .instrument import Meter, metered
from .services import Stores, fresh_database, setup_django
from .stats import median

WARM_CALLS = 20


def measure(label: str, call: Callable[[], bool], calls: int, sent: Meter) -> str:
    """Return one table row: median and p99 microseconds, and Redis round trips per call."""
    for _ in range(WARM_CALLS):
        assert call(), f"{label}: refused"  # a refusal would measure the wrong path
    before, samples = sent.calls, []
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    trips = (sent.calls - before) / calls
    return f"| {label} | {median(samples):.1f} | {percentile(samples, 0.99):.1f} | {trips:g} |"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; return 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.ratelimit", description=__doc__)
    parser.add_argument("--calls", type=int, default=5_000)
    args = parser.parse_args(argv)
    stores = Stores()
    with ExitStack() as stack:
        fresh_database(stores, stack)
        setup_django(stores.django_env("http://127.0.0.1:9"))
        # Imported only now: these modules need Django configured.
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from redis.connection import AbstractConnection
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from apps.edge.ratelimit import CallerRateThrottle

        request = Request(APIRequestFactory().get("/bench/remote"))
        request.user = get_user_model()(pk=1, username="bench-rate-limit")
        throttle = CallerRateThrottle()
        sent = stack.enter_context(metered(AbstractConnection, "send_packed_command", Meter()))
        rows = [
            "| rate limit | median µs | p99 µs | Redis round trips per call |",
            "|---|---|---|---|",
        ]
        settings.API_RATE_LIMIT = ""
        rows.append(
            measure(
                "off (default)", lambda: throttle.allow_request(request, None), args.calls, sent
            )
        )
        settings.API_RATE_LIMIT, settings.API_RATE_BURST = "1000000/s", 1_000_000
        rows.append(measure("on", lambda: throttle.allow_request(request, None), args.calls, sent))
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
