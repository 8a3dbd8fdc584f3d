"""How much each mode measures. Every phase is bounded by a count and by a time."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Counts and time limits of one run."""

    name: str
    rounds: int  # interleaved rounds, in process and end to end
    calls: int  # in process: calls per variant per round …
    call_seconds: float  # … or fewer once this much time is spent
    load_seconds: float  # end to end: seconds per variant per round
    load_requests: int  # end to end: request cap per run (Python generator)
    spread_requests: int
    spread_tokens: int
    burst: int
    outage_requests: int
    outage_seconds: float
    outage_tokens: int  # new tokens the 503 phase rotates through
    cached_tokens: int  # tokens verified before the outage
    flood_requests: int = 600  # per flood, from one client address
    flood_user_tokens: int = 10  # new tokens the real user verifies meanwhile


FULL = Profile("full", 2, 5_000, 10.0, 15.0, 1_000_000, 10_000, 100, 64, 2_000, 10.0, 50, 20)
QUICK = Profile("quick", 2, 1_000, 2.0, 4.0, 100_000, 2_000, 20, 64, 500, 4.0, 20, 10)
# The smoke test's: every phase runs and every file is written, in seconds, measuring nothing.
TINY = Profile("tiny", 2, 30, 0.5, 1.0, 100, 100, 5, 16, 40, 2.0, 5, 5, 40, 3)
PROFILES = {profile.name: profile for profile in (FULL, QUICK, TINY)}
