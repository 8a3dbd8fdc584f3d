"""End to end: requests/s and latency of each variant's endpoint under gunicorn, interleaved.

Each round runs every variant once, for a few seconds with wrk, in an order that changes from round
to round (`stats.round_order`: 1…8, 8…1, 2…8 1, 1 8…2, …), so the noise of a shared machine falls
on all of them alike; the report divides each round's req/s by variant 1's in that round. Variant 8
sends every request with a token never sent before (FreshTokens, used up in order across rounds).
"""

from dataclasses import dataclass, field

from .load import LoadResult, python_load, wrk_load
from .processes import ApiServer
from .stats import median, round_order
from .tokens import Tokens
from .variants import NEW_TOKEN, VARIANTS, Variant

WARM_REQUESTS = 20
# Fresh tokens minted per second of a new-token run: above what the cold path reaches here (a few
# hundred req/s), so no token is sent twice; a run that would outrun them fails instead.
FRESH_PER_SECOND = 1_500


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


@dataclass
class FreshTokens:
    """Never-seen tokens that new-token runs use up in order: wrk's rotation script sends a run's
    tokens in turn, so a run's requests (and those still in flight at its end) take the next ones."""

    pool: list[str]
    used: int = 0

    def take(self, count: int) -> list[str]:
        """Return the next `count` tokens, used up; raise EndToEndError past the pool's end."""
        tokens = self.rest()[:count]
        self.spend(count)
        return tokens

    def rest(self) -> list[str]:
        """Return every token not used yet (a run's rotation, before `spend`)."""
        return self.pool[self.used :]

    def spend(self, count: int) -> None:
        """Mark `count` more tokens used; raise EndToEndError when fewer were left."""
        if self.used + count > len(self.pool):
            raise EndToEndError(
                f"a new-token run needed {self.used + count} fresh tokens, {len(self.pool)} "
                "were minted: raise FRESH_PER_SECOND"
            )
        self.used += count


def fresh_pool_size(rounds: int, seconds: float, connections: int) -> int:
    """Return how many fresh tokens the warm-up and `rounds` new-token runs may use."""
    per_run = FRESH_PER_SECOND * max(1, round(seconds)) + connections
    return WARM_REQUESTS + rounds * per_run


def warm_up(api: ApiServer, variant: Variant, tokens: list[str | None]) -> None:
    """Send a few requests; raise EndToEndError unless every one answers 200."""
    result = python_load(
        api.url, variant.path, tokens, connections=2, seconds=30, max_requests=WARM_REQUESTS
    )
    if result.statuses != {200: WARM_REQUESTS}:
        raise EndToEndError(
            f"{variant.label} at {variant.path} answered {result.statuses}, "
            f"{result.errors} errors (expected {WARM_REQUESTS} x 200)"
        )


def run_endtoend(
    api: ApiServer,
    tokens: Tokens,
    fresh: FreshTokens,
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
        new = variant is NEW_TOKEN
        warm_up(
            api, variant, [*fresh.take(WARM_REQUESTS)] if new else [tokens.for_variant(variant)]
        )
    for turn in range(rounds):
        for variant in round_order(measured, turn):
            new = variant is NEW_TOKEN
            sent: list[str | None] = [*fresh.rest()] if new else [tokens.for_variant(variant)]
            run = wrk_load(api.url, variant.path, sent, connections=connections, seconds=seconds)
            if new:
                fresh.spend(run.requests + connections)  # and those in flight when it stopped
            results[variant.key].runs.append(run)
    return list(results.values())
