"""How much each mode measures. Every phase is bounded by a count and by a time."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Counts and time limits of one run."""

    name: str
    rounds: int  # interleaved rounds, in process, end to end and in the outage
    calls: int  # in process: calls per variant per round …
    call_seconds: float  # … or fewer once this much time is spent
    load_seconds: float  # end to end: seconds per variant per round (wrk: whole seconds)
    spread_requests: int
    spread_tokens: int
    burst: int
    outage_seconds: float  # per phase per round
    outage_tokens: int  # new tokens the 503 phase rotates through
    cached_tokens: int  # tokens verified before the outage
    new_tokens: int  # in process: never-seen tokens per round (the cold path)
    split_tokens: int  # in process: never-seen tokens whose cost is split (network/Redis/DB)
    churn_users: int  # churn: users per instance count (one set for 1 instance, one for 2)
    churn_refreshes: int  # … each refreshing its token this many times (distinct tokens)
    flood_requests: int = 600  # per flood, from one client address
    flood_user_tokens: int = 10  # new tokens the real user verifies meanwhile

    @property
    def churn_tokens(self) -> int:
        """Return the distinct tokens of one churn run."""
        return self.churn_users * self.churn_refreshes


FULL = Profile("full", 8, 2_000, 2.0, 3.0, 10_000, 100, 64, 1.0, 50, 20, 50, 200, 1_000, 10)
QUICK = Profile("quick", 5, 500, 0.5, 2.0, 2_000, 20, 64, 1.0, 20, 10, 20, 100, 100, 10)
# The smoke test's: every phase runs and every file is written, in seconds, measuring nothing.
TINY = Profile("tiny", 2, 30, 0.5, 1.0, 100, 5, 16, 1.0, 5, 5, 3, 5, 5, 2, 40, 3)
PROFILES = {profile.name: profile for profile in (FULL, QUICK, TINY)}
