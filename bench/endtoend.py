"""End to end: requests/s and latency of each variant's endpoint under gunicorn, interleaved.

Each round runs every variant once, for a few seconds with wrk, in an order that changes from round
to round (`stats.round_order`: 1…7, 7…1, 2…7 1, 1 7…2, …), so the noise of a shared machine falls
on all of them alike; the report divides each round's req/s by variant 1's in that round.
"""

from dataclasses import dataclass, field

from .load import LoadResult, python_load, wrk_load
from .processes import ApiServer
from .stats import median, round_order
from .tokens import Tokens
from .variants import VARIANTS, Variant

WARM_REQUESTS = 20


class EndToEndError(RuntimeError):
    """A variant's endpoint did not answer 200 before the measurement."""


@dataclass
class Throughput:
    """The load runs of one variant, one per round."""

    variant: Variant
    runs: list[LoadResult] = field(default_factory=list)
    skipped: str = ""

    @property
    def rps_runs(self) -> list[float]:
        """Return the requests/s of each round."""
        return [run.rps for run in self.runs]

    @property
    def rps(self) -> float:
        """Return the median requests/s over the rounds."""
        return median(self.rps_runs) if self.runs else 0.0

    @property
    def p50_ms(self) -> float:
        return median([run.p50_ms for run in self.runs]) if self.runs else 0.0

    @property
    def p99_ms(self) -> float:
        return max((run.p99_ms for run in self.runs), default=0.0)

    @property
    def failures(self) -> int:
        """Return the non-2xx answers and socket errors over all runs."""
        return sum(run.non_2xx + run.errors for run in self.runs)


def warm_up(api: ApiServer, variant: Variant, token: str | None) -> None:
    """Send a few requests; raise EndToEndError unless every one answers 200."""
    result = python_load(
        api.url, variant.path, [token], connections=2, seconds=30, max_requests=WARM_REQUESTS
    )
    if result.statuses != {200: WARM_REQUESTS}:
        raise EndToEndError(
            f"{variant.label} at {variant.path} answered {result.statuses}, "
            f"{result.errors} errors (expected {WARM_REQUESTS} x 200)"
        )


def run_endtoend(
    api: ApiServer,
    tokens: Tokens,
    available: set[str],
    *,
    rounds: int,
    seconds: float,
    connections: int,
) -> list[Throughput]:
    """Load every available variant for `seconds` with wrk, `rounds` times interleaved."""
    results = {variant.key: Throughput(variant) for variant in VARIANTS}
    measured = [variant for variant in VARIANTS if variant.key in available]
    for variant in VARIANTS:
        if variant.key not in available:
            results[variant.key].skipped = "mozilla-django-oidc is not installed"
    for variant in measured:
        warm_up(api, variant, tokens.for_variant(variant))
    for turn in range(rounds):
        for variant in round_order(measured, turn):
            token = tokens.for_variant(variant)
            run = wrk_load(api.url, variant.path, [token], connections=connections, seconds=seconds)
            results[variant.key].runs.append(run)
    return list(results.values())
