"""The adapter's closed word sets, in one place: where an answer came from, how a verification
ended, and what kind of entry the cache holds."""

from typing import Literal

# Where a Verification came from: this process's cache, the shared cache, the auth server just
# now, a recent answer while the auth server cannot vouch (grace), or a local signature check
# (degraded: HS256 while the auth server is down; jwks: AUTH_VERIFY_MODE=jwks, by design).
Source = Literal["memory", "redis", "remote", "grace", "degraded", "jwks"]
# Where an outcome was decided, for metrics and logs: a Source, or a step before or beside one.
Stage = Source | Literal["claims", "budget", "database", "local", "service"]
# How one verification ended.
Outcome = Literal["ok", "rejected", "denied", "refused", "unavailable"]
# What a cache entry says: vouched for, refused by the auth server, refused by provisioning.
EntryKind = Literal["ok", "rejected", "denied"]

CACHE_SOURCES: tuple[Source, ...] = ("memory", "redis")
DEGRADED_SOURCES: tuple[Source, ...] = ("grace", "degraded")
