"""The report's "How it was measured" section: what each variant does and what each number means."""

from .profiles import Profile


def method_notes(profile: Profile, *, use_wrk: bool, connections: int, threshold: int) -> list[str]:
    """Return the method notes of a run with these settings."""
    loader = (
        f"wrk, 1 thread, {connections} connections"
        if use_wrk
        else f"the bundled Python client ({connections} threads, http.client)"
    )
    return [
        "Everything runs on one machine: auth server (Python stdlib threading server), Redis, "
        "PostgreSQL, gunicorn and the load generator share its cores. Variants 3 and 4 also pay "
        "here for the auth server's CPU, which a separate auth server host would not take.",
        "Database: PostgreSQL with `CONN_MAX_AGE=60` (the base settings), so simplejwt's user "
        "lookup and all mirroring are real queries over a persistent connection.",
        "(1) `authentication_classes = []` and `AllowAny`; in process, a class whose "
        "`authenticate()` returns None (the cost floor of a call).",
        "(2) simplejwt's `JWTAuthentication`, token from `AccessToken.for_user` for a local user: "
        "an HS256 signature check and one SELECT per request.",
        "(3) mozilla-django-oidc's DRF `OIDCAuthentication` with `OIDC_OP_USER_ENDPOINT` = the auth "
        "server's `/api/auth/me`, and a backend subclass that reads the claims from `data.user`; "
        "otherwise its defaults: a new connection (`requests.get`) to /me and a user lookup by "
        "e-mail on every request. `OIDC_TIMEOUT=5` only bounds the run. It uses its own seed user "
        "(carol): it refuses an e-mail that two users share, and ours creates users by remote id.",
        "(4) ours with a verifier built from the default collaborators (pooled client, Redis, "
        "single-flight, breaker, budget, mirroring) but an in-process level of size 0 and zero "
        "TTLs, so every call runs the real miss path (Redis read, lease, breaker, budget, GET /me, "
        "mirroring query, lease release) and only the final cache write is skipped. "
        "`BUDGET_PER_MINUTE` is raised in the bench settings so this variant is not refused.",
        "(5) ours, answered from Redis (GET of the entry + MGET of the revocation marks): in "
        "process, `default_cache().local.clear()` runs untimed before each call; end to end, a "
        "subclass empties the worker's in-process level at the start of each request.",
        "(6) ours with default settings: in-process hits, plus what production does too: a Redis "
        "re-read per worker every `LOCAL_CACHE_TTL` (5 s) and a re-verification every "
        "`POSITIVE_TTL` (60 s).",
        f"In process: {profile.calls:,} calls per variant per round (or {profile.call_seconds:g} s), "
        f"{profile.rounds} rounds interleaved, after 20 untimed calls that also check the answer "
        "(a user; for ours, the expected cache level).",
        f"End to end: gunicorn with 2 sync workers (each request on a new connection, as sync "
        f"workers do); {loader}; {profile.load_seconds:g} s per variant per round, "
        f"{profile.rounds} rounds interleaved (1…6, 1…6); ratios are of mean requests/s.",
        "Upstream: requests in shuffled order over new tokens to (6) from "
        f"{connections} clients; calls counted by the auth server's control API. Burst: one "
        "thread and connection per request, released together by a barrier, alternating between "
        "two gunicorn instances (2 workers each) sharing Redis.",
        f"Outage: fault `down` on the auth server. {threshold} new tokens (BREAKER_THRESHOLD) fail "
        "for real and open the shared breaker. Each phase then sends each of its tokens once "
        "through the Python client, checking status and Retry-After, and is timed with "
        f"{'wrk' if use_wrk else 'the Python client'} on 2 connections (one per worker) for "
        f"{profile.outage_seconds:g} s, tokens in turn: 503s for new tokens (the target), 503s "
        "for one token requested by both workers at once (they meet in single-flight), and 200s "
        "for tokens verified before the fault.",
    ]
