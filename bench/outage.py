"""Outage: latency of our answers while the auth server is down (fault `down`: every /api/
connection is dropped).

New tokens get 503 + Retry-After: first BREAKER_THRESHOLD real failures open the shared breaker,
then we time the 503s it answers without calling out. Tokens verified before the fault keep
answering 200 from the cache; we time those too. Each phase first sends every token once through
the Python client, which checks each answer's status and Retry-After; then the phases are timed
with wrk (tokens in turn, by a Lua script) in interleaved rounds, one timing run per phase and round.
"""

from dataclasses import dataclass, field

from .load import LoadResult, python_load, wrk_load
from .processes import ApiServer, AuthServer
from .stats import median, round_order
from .tokens import fresh_remote_tokens
from .variants import STEADY

# One client per gunicorn worker: latency of the answers, not of a queue in front of them.
CONNECTIONS = 2
CHECK_SECONDS = 30.0
# The target's phase: concurrent requests carry different tokens, as different users' would.
OPEN_NEW_TOKENS = "503, breaker open, new tokens in turn"
# Concurrent requests with one token meet in single-flight: shown, not judged.
OPEN_ONE_TOKEN = "503, breaker open, one token on both workers"


@dataclass
class Outage:
    """The breaker being opened by real failures, then the phases measured while it is open."""

    trip: LoadResult
    trip_calls: int
    phases: list["OutagePhase"]
    open_calls: int  # /me calls while the phases ran, interleaved: the breaker allows none


@dataclass
class OutagePhase:
    """One kind of answer measured during the outage."""

    name: str
    expected_status: int
    check: LoadResult  # every token once, each answer inspected
    tokens: list[str]
    timings: list[LoadResult] = field(default_factory=list)  # one wrk run per round

    @property
    def timed_requests(self) -> int:
        return sum(timing.requests for timing in self.timings)

    @property
    def p50_ms(self) -> float:
        """Return the median of the rounds' p50s."""
        return median([timing.p50_ms for timing in self.timings]) if self.timings else 0.0

    @property
    def p99_ms_runs(self) -> list[float]:
        """Return each round's p99."""
        return [timing.p99_ms for timing in self.timings]

    @property
    def unexpected(self) -> int:
        """Return the answers (checked or timed) whose status was not the expected one."""
        runs = [self.check, *self.timings]
        return sum(unexpected_answers(run, self.expected_status) + run.errors for run in runs)

    @property
    def as_expected(self) -> bool:
        """Return True when every answer had the expected status, and every 503 a Retry-After."""
        return self.unexpected == 0 and self.check.missing_retry_after == 0


def unexpected_answers(result: LoadResult, expected: int) -> int:
    """Return how many answers of a load run had another status than `expected`."""
    if result.statuses:  # the Python client counts every status
        return sum(n for status, n in result.statuses.items() if status != expected)
    # wrk only tells 2xx from the rest
    return result.non_2xx if 200 <= expected < 300 else result.requests - result.non_2xx


def check_phase(api: ApiServer, phase: tuple[str, int], tokens: list[str]) -> OutagePhase:
    """Send each of the phase's tokens once, inspecting every answer."""
    name, status = phase
    check = python_load(
        api.url, STEADY.path, tokens,
        connections=CONNECTIONS, seconds=CHECK_SECONDS, max_requests=len(tokens),
    )  # fmt: skip
    return OutagePhase(name, status, check, tokens)


def time_phases(api: ApiServer, phases: list[OutagePhase], *, rounds: int, seconds: float) -> None:
    """Time every phase once per round with wrk, in an order that changes each round."""
    for turn in range(rounds):
        for phase in round_order(phases, turn):
            phase.timings.append(
                wrk_load(
                    api.url, STEADY.path, phase.tokens, connections=CONNECTIONS, seconds=seconds
                )
            )


def run_outage(
    auth: AuthServer,
    api: ApiServer,
    *,
    threshold: int,
    rounds: int,
    seconds: float,
    cold_tokens: int,
    cached_tokens: int,
) -> Outage:
    """Warm some tokens, take the auth server down, open the breaker, measure; always restore."""
    cached = fresh_remote_tokens(auth, cached_tokens)
    cold = fresh_remote_tokens(auth, threshold + cold_tokens)
    warm = python_load(
        api.url, STEADY.path, cached, connections=CONNECTIONS,
        seconds=CHECK_SECONDS, max_requests=len(cached),
    )  # fmt: skip
    if warm.statuses != {200: len(cached)}:
        raise RuntimeError(f"warming tokens before the outage answered {warm.statuses}")
    auth.fault("down")
    try:
        before = auth.settled_me_calls()
        trip = python_load(
            api.url, STEADY.path, cold[:threshold], connections=1,
            seconds=CHECK_SECONDS, max_requests=threshold,
        )  # fmt: skip
        trip_calls = auth.me_calls() - before
        before = auth.me_calls()
        phases = [
            check_phase(api, (OPEN_NEW_TOKENS, 503), cold[threshold:]),
            check_phase(api, (OPEN_ONE_TOKEN, 503), cold[threshold:][:1]),
            check_phase(api, ("200 from cache, auth server down", 200), cached),
        ]
        time_phases(api, phases, rounds=rounds, seconds=seconds)
        open_calls = auth.settled_me_calls() - before
    finally:
        auth.clear_faults()
    return Outage(trip, trip_calls, phases, open_calls)
