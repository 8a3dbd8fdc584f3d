"""In-process cost: microseconds per `authenticate()` call of each variant's authentication class
(variant 7: one call of the whole ForwardAuth view; variant 8: ours with a never-seen token).

Each variant's class is called directly on one DRF `Request` carrying its token, in interleaved
rounds whose order changes from round to round. Before timing, one call checks the answer is what
the variant claims to measure (a user, and for ours the expected cache level), so a
misconfiguration fails loudly instead of measuring 401s. Variant 8 calls once per new token and
checks each answer after timing it.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.contract.probe import percentile

from .auth import (
    ForwardAuthCall,
    NoAuthentication,
    UncachedRemoteAuthentication,
    oidc_authentication,
)
from .stats import median, round_order
from .tokens import Tokens
from .variants import (
    FORWARD,
    NEW_TOKEN,
    NONE,
    OIDC,
    SHARED_HIT,
    SIMPLEJWT,
    STEADY,
    UNCACHED,
    VARIANTS,
    Variant,
)

WARM_CALLS = 20
EXPECTED_SOURCE = {
    UNCACHED.key: "remote",
    SHARED_HIT.key: "redis",
    STEADY.key: "memory",
    FORWARD.key: "memory",
    NEW_TOKEN.key: "remote",
}


class MeasurementError(RuntimeError):
    """A variant did not answer what it is meant to measure."""


@dataclass
class CallCost:
    """The timings of one variant's `authenticate()` calls, in microseconds."""

    variant: Variant
    answer: str = ""
    rounds_us: list[list[float]] = field(default_factory=list)  # the samples of each round
    skipped: str = ""  # why the variant was not measured, when it was not

    @property
    def samples_us(self) -> list[float]:
        return [sample for samples in self.rounds_us for sample in samples]

    @property
    def round_medians_us(self) -> list[float]:
        return [median(samples) for samples in self.rounds_us]

    @property
    def median_us(self) -> float:
        return median(self.samples_us)

    @property
    def p99_us(self) -> float:
        return percentile(self.samples_us, 0.99)


def authenticator(variant: Variant) -> BaseAuthentication | None:
    """Return the authentication instance a variant calls (None: not installed)."""
    from rest_framework_simplejwt.authentication import JWTAuthentication

    from core.authentication import RemoteJWTAuthentication

    oidc = oidc_authentication()
    factories: dict[str, Callable[[], BaseAuthentication] | None] = {
        NONE.key: NoAuthentication,
        SIMPLEJWT.key: JWTAuthentication,
        OIDC.key: oidc,
        UNCACHED.key: UncachedRemoteAuthentication,
        SHARED_HIT.key: RemoteJWTAuthentication,
        STEADY.key: RemoteJWTAuthentication,
        FORWARD.key: ForwardAuthCall,
        NEW_TOKEN.key: RemoteJWTAuthentication,
    }
    factory = factories[variant.key]
    return factory() if factory else None


def before_call(variant: Variant) -> Callable[[], None] | None:
    """Return what runs untimed before each call: variant 5 empties the in-process level."""
    if variant is not SHARED_HIT:
        return None
    from core.wiring import default_cache

    return default_cache().clear_local_entries


def bench_request(token: str | None) -> Request:
    """Return a DRF request for the endpoint, with `Authorization: Bearer <token>` when given."""
    factory = APIRequestFactory()
    if token is None:
        return Request(factory.get("/bench/"))
    return Request(factory.get("/bench/", HTTP_AUTHORIZATION=f"Bearer {token}"))


def describe(answer: Any) -> str:
    """Return how the report names an `authenticate()` answer."""
    if answer is None:
        return "none"
    return describe_source(getattr(answer[1], "source", None))


def describe_source(source: str | None) -> str:
    """Return how the report names a user answered from `source` (None: not ours)."""
    return f"user via {source}" if source else "user"


def check_answer(variant: Variant, answer: Any) -> None:
    """Raise MeasurementError when a variant's answer is not the one it is meant to measure."""
    if variant is NONE:
        return
    wanted = EXPECTED_SOURCE.get(variant.key)
    if answer is None or (wanted and getattr(answer[1], "source", None) != wanted):
        raise MeasurementError(f"{variant.label} answered {describe(answer)!r}")


def time_calls(
    auth: BaseAuthentication,
    request: Request,
    *,
    iterations: int,
    seconds: float,
    before: Callable[[], None] | None,
) -> list[float]:
    """Return the µs of up to `iterations` calls, stopping early after `seconds`."""
    clock, samples = time.perf_counter_ns, []
    deadline = time.monotonic() + seconds
    gc.collect()
    for _ in range(iterations):
        if before is not None:
            before()
        started = clock()
        auth.authenticate(request)
        samples.append((clock() - started) / 1000)
        if time.monotonic() > deadline:
            break
    return samples


def warm(variant: Variant, auth: BaseAuthentication, request: Request) -> str:
    """Call a few times untimed (fills caches, opens connections); return the checked answer."""
    before = before_call(variant)
    answer = None
    for _ in range(WARM_CALLS):
        if before is not None:
            before()
        answer = auth.authenticate(request)
    check_answer(variant, answer)
    return describe(answer)


def time_new_tokens(auth: BaseAuthentication, tokens: list[str]) -> list[float]:
    """Return the µs of one call per never-seen token; raise MeasurementError unless each answer
    came from the auth server (checked after its timing: the first call is the one measured)."""
    clock, samples = time.perf_counter_ns, []
    requests = [bench_request(token) for token in tokens]
    gc.collect()
    for request in requests:
        started = clock()
        answer = auth.authenticate(request)
        samples.append((clock() - started) / 1000)
        check_answer(NEW_TOKEN, answer)
    return samples


def run_inprocess(
    tokens: Tokens,
    new_tokens: list[list[str]],
    *,
    rounds: int,
    iterations: int,
    seconds: float,
) -> list[CallCost]:
    """Measure every variant in `rounds` interleaved rounds, in an order that changes each round;
    return one CallCost per variant. `new_tokens` holds variant 8's never-seen tokens: one list
    to warm with (its users get mirrored), then one list per round."""
    costs = {variant.key: CallCost(variant) for variant in VARIANTS}
    callers: dict[str, tuple[BaseAuthentication, Request]] = {}
    for variant in VARIANTS:
        auth = authenticator(variant)
        if auth is None:
            costs[variant.key].skipped = "mozilla-django-oidc is not installed"
            continue
        callers[variant.key] = (auth, bench_request(tokens.for_variant(variant)))
    time_new_tokens(callers[NEW_TOKEN.key][0], new_tokens[0])
    costs[NEW_TOKEN.key].answer = describe_source(EXPECTED_SOURCE[NEW_TOKEN.key])
    measured = [variant for variant in VARIANTS if variant.key in callers]
    for turn in range(rounds):
        for variant in round_order(measured, turn):
            auth, request = callers[variant.key]
            cost = costs[variant.key]
            if variant is NEW_TOKEN:
                cost.rounds_us.append(time_new_tokens(auth, new_tokens[1 + turn]))
                continue
            cost.answer = warm(variant, auth, request)
            cost.rounds_us.append(
                time_calls(
                    auth,
                    request,
                    iterations=iterations,
                    seconds=seconds,
                    before=before_call(variant),
                )
            )
    return list(costs.values())
