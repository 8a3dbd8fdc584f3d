"""The report's "How it was measured" section: what each variant does and what each number means."""

from .profiles import Profile


def method_notes(profile: Profile, *, connections: int, threshold: int) -> list[str]:
    """Return the method notes of a run with these settings."""
    loader = f"wrk, 1 thread, {connections} connections"
    return [
        f"Rounds: every phase that compares variants runs {profile.rounds} interleaved rounds, "
        "each measuring every variant once, in an order that changes each round (rotated every "
        "other round, reversed on odd rounds). A ratio is "
        "judged on the median of its per-round ratios (each round's numbers were taken under the "
        "same machine load); the spread shown beside it is the lowest and highest round.",
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
        "(8) ours with default settings, every request a token never seen before, of a user "
        "already mirrored (a token refresh): the cold path, store, lease release and all. In "
        f"process {profile.new_tokens} tokens per round; end to end wrk's script sends each "
        "minted token once, in turn (a run that would send one twice fails). Judged against (3), "
        "which pays its /me on every request. (4) keeps one token and stores nothing, so its "
        "concurrent requests queue behind one another's single-flight lease: shown, not judged.",
        f"In process: {profile.calls:,} calls per variant per round (or {profile.call_seconds:g} s), "
        "after 20 untimed calls that also check the answer (a user; for ours, the expected cache "
        "level). The median µs is over all calls; the per-round medians give the spread.",
        f"Cold-path split: {profile.split_tokens} more new tokens through (8), with meters on "
        "`AuthServiceClient.me` (network and the auth server's answer), Redis (each command's send "
        "and the wait for its reply: a pipeline or script is one round trip) and database queries "
        "(Django's `connection.execute_wrapper`) and commits; the rest is Python. The meters add a little "
        "time of their own, so this total is a little above (8)'s median.",
        f"End to end: gunicorn with 2 sync workers (each request on a new connection, as sync "
        f"workers do); {loader}; {profile.load_seconds:g} s per variant per round.",
        f"Churn: {profile.churn_users:,} users each refreshing their token "
        f"{profile.churn_refreshes} times ({profile.churn_tokens:,} distinct tokens), each token "
        "requested twice in a row by the Python client (4 connections per instance, which counts "
        "every answer), first on one instance, then, with as many other users, on two instances "
        "(2 workers each) on the same Redis and PostgreSQL, the clients alternating between them. "
        "req/s includes each user's first request (mirroring a new user).",
        "Upstream: requests in shuffled order over new tokens to (6) from "
        f"{connections} clients; calls counted by the auth server's control API. Burst: one "
        "thread and connection per request, released together by a barrier, alternating between "
        "two gunicorn instances (2 workers each) sharing Redis.",
        f"Outage: fault `down` on the auth server. {threshold} new tokens (BREAKER_THRESHOLD) fail "
        "for real and open the shared breaker. Each phase then sends each of its tokens once "
        "through the Python client, checking status and Retry-After, and is timed with wrk on 2 "
        f"connections (one per worker) for {profile.outage_seconds:g} s per round, "
        f"{profile.rounds} rounds interleaved, tokens in turn: 503s for new tokens (the target, "
        "judged on every round's p99), 503s "
        "for one token requested by both workers at once (they meet in single-flight), and 200s "
        "for tokens verified before the fault.",
    ]
