"""Outage: latency of our answers while the auth server is down (fault `down`: every /api/
connection is dropped).

New tokens get 503 + Retry-After: first BREAKER_THRESHOLD real failures open the shared breaker,
then we time the 503s it answers without calling out. Tokens verified before the fault keep
answering 200 from the cache; we time those too. Each phase first sends every token once through
the Python client, which checks each answer's status and Retry-After; the timing run that follows
uses wrk (tokens in turn, by a Lua script) when it is installed, else the Python client again.
"""

from dataclasses import dataclass

from .load import LoadResult, python_load, wrk_load
from .processes import ApiServer, AuthServer
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


@dataclass
class OutagePhase:
    """One kind of answer measured during the outage."""

    name: str
    expected_status: int
    check: LoadResult  # every token once, each answer inspected
    timing: LoadResult
    upstream_calls: int

    @property
    def unexpected(self) -> int:
        """Return the answers (checked or timed) whose status was not the expected one."""
        answers = unexpected_answers(self.check, self.expected_status)
        answers += unexpected_answers(self.timing, self.expected_status)
        return answers + self.check.errors + self.timing.errors

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


@dataclass(frozen=True)
class Limits:
    """How long each timing run lasts, and with which load generator."""

    requests: int
    seconds: float
    use_wrk: bool


def measure(
    auth: AuthServer, api: ApiServer, phase: tuple[str, int], tokens: list[str], limits: Limits
) -> OutagePhase:
    """Check then time one kind of answer of the steady-state endpoint; count /me calls meanwhile."""
    (name, status), requests, seconds = phase, limits.requests, limits.seconds
    before = auth.me_calls()
    url, path = api.url, STEADY.path
    check = python_load(
        url, path, tokens, connections=CONNECTIONS, seconds=CHECK_SECONDS, max_requests=len(tokens)
    )
    if limits.use_wrk:
        timing = wrk_load(url, path, tokens, connections=CONNECTIONS, seconds=seconds)
    else:
        timing = python_load(
            url, path, tokens, connections=CONNECTIONS, seconds=seconds, max_requests=requests
        )
    return OutagePhase(name, status, check, timing, auth.me_calls() - before)


def run_outage(
    auth: AuthServer,
    api: ApiServer,
    *,
    threshold: int,
    requests: int,
    seconds: float,
    cold_tokens: int,
    cached_tokens: int,
    use_wrk: bool,
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
        before = auth.me_calls()
        trip = python_load(
            api.url, STEADY.path, cold[:threshold], connections=1,
            seconds=CHECK_SECONDS, max_requests=threshold,
        )  # fmt: skip
        trip_calls = auth.me_calls() - before
        limits = Limits(requests, seconds, use_wrk)
        phases = [
            measure(auth, api, (OPEN_NEW_TOKENS, 503), cold[threshold:], limits),
            measure(auth, api, (OPEN_ONE_TOKEN, 503), cold[threshold:][:1], limits),
            measure(auth, api, ("200 from cache, auth server down", 200), cached, limits),
        ]
    finally:
        auth.clear_faults()
    return Outage(trip, trip_calls, phases)
