"""Verifier: cache levels, TTL bounds, negative caching, grace and revocation marks.

The auth server is a fake client object with a `me` method; time is a fake clock shared by the
verifier, the in-process cache, the single-flight, the breaker and the budget.
"""

import copy
from dataclasses import replace
from typing import Any

import pytest
from django.core.cache import caches

from core.breaker import CircuitBreaker
from core.budget import UpstreamBudget
from core.entries import Rejection, Verified
from core.exceptions import BadResponse, Rejected, ShareSpent, Unavailable
from core.identity import Identity, Organization
from core.singleflight import SingleFlight
from core.tokens import ServerTokenFormat
from core.upstream import Upstream
from core.verifier import Claimed, Mirror, Policy, Verification, Verifier

from .conftest import make_cache

TOKEN = "header.payload-of-user-1.signature"
OTHER_TOKEN = "header.payload-of-user-2.signature"
IDENTITY = Identity(
    remote_id="u1", email="a@b.c", organization=Organization("o1", "Acme"), products=("all",)
)
POLICY = {"positive_ttl": 60, "negative_ttl": 10, "local_ttl": 5, "exp_skew": 5, "grace": 0}


class FakeAuthServer:
    """Answer `me` with `answer`: an Identity, or an exception to raise."""

    answer: Identity | Exception

    def __init__(self, answer: Identity | Exception = IDENTITY) -> None:
        self.answer = answer
        self.calls: list[tuple[str, int | None]] = []

    def me(self, token: str, *, expires_at: int | None = None) -> Identity:
        self.calls.append((token, expires_at))
        if isinstance(self.answer, Exception):
            raise self.answer
        return replace(self.answer, expires_at=expires_at)


def mirror(identity: Identity) -> dict[str, Any]:
    return {"id": 1, "username": identity.remote_id, "email": identity.email}


def make_verifier(cache, clock, server, *, degraded=None, **policy: float) -> Verifier:
    state = cache.state
    return Verifier(
        server,
        cache,
        marks=cache.marks,
        mirror=mirror,
        policy=Policy(**{**POLICY, **policy}),
        flight=SingleFlight(state, lease=5, wait=3, clock=clock, sleep=clock.sleep),
        upstream=Upstream(
            CircuitBreaker(state, threshold=100, cooldown=30, probe_timeout=5, clock=clock),
            UpstreamBudget(state, per_minute=0, clock=clock),
        ),
        degraded=degraded,
        clock=clock,
    )


def with_mirror(verifier: Verifier, other: Mirror) -> Verifier:
    """Return the same verifier (same cache, flight, upstream) with another mirroring."""
    twin = copy.copy(verifier)
    twin.mirror = other
    return twin


class Missed(Exception):
    """Raised by `recall`'s claims: the in-process level had no answer."""


def recall(verifier: Verifier, token: str = TOKEN) -> Verification | None:
    """Return the in-process answer for `token` (the hot path), None on a miss; raise its refusal."""

    def missed() -> Claimed:
        raise Missed()

    try:
        return verifier.verify(token, missed)
    except Missed:
        return None


@pytest.fixture
def server() -> FakeAuthServer:
    return FakeAuthServer()


@pytest.fixture
def verifier(vcache, clock, server) -> Verifier:
    return make_verifier(vcache, clock, server)


def grace_verifier(vcache, clock, server, grace: float = 120) -> Verifier:
    return make_verifier(vcache, clock, server, grace=grace)


def redis_ttl(key: str) -> int:
    """Return the remaining TTL of a key in the real Redis cache (django-redis only)."""
    ttl: int = caches["default"].ttl(key)  # type: ignore[attr-defined]
    return ttl


def mark(cache, who: str, at: float) -> None:
    """Write a revocation "not before" mark the way core.revocation does (and its broadcast), as
    received at `at` on this service's clock (marks are ordered by number, `at` only bounds iat)."""
    seq = cache.marks.mark(who).seq
    cache.state.shared.set(cache.state.key("nbf", who), {"seq": seq, "at": float(at)}, 3600)
    if who == "*":
        cache.clear_local()
    else:
        cache.evict_local_user(who)


# --- sources -------------------------------------------------------------------------------


def test_first_verification_asks_the_auth_server(verifier, server, clock):
    verification = verifier.verify(TOKEN, Claimed(exp=int(clock.now) + 900))

    assert verification.source == "remote"
    assert verification.identity.remote_id == "u1"
    assert verification.identity.organization == Organization("o1", "Acme")
    assert verification.user == {"id": 1, "username": "u1", "email": "a@b.c"}
    assert verification.verified_at == clock.now
    assert server.calls == [(TOKEN, int(clock.now) + 900)]


def test_memory_hit_makes_no_client_call(verifier, server):
    verifier.verify(TOKEN)

    verification = verifier.verify(TOKEN)

    assert verification.source == "memory"
    assert verification.identity == IDENTITY
    assert len(server.calls) == 1


def test_shared_hit_makes_no_client_call_and_fills_memory(verifier, server, vcache):
    verifier.verify(TOKEN)
    vcache.clear_local_entries()

    assert verifier.verify(TOKEN).source == "redis"
    assert verifier.verify(TOKEN).source == "memory"
    assert len(server.calls) == 1


def test_another_process_reads_the_shared_entry(verifier, server, shared, clock):
    verifier.verify(TOKEN)
    other = make_verifier(make_cache(shared, clock), clock, server)

    assert other.verify(TOKEN).source == "redis"
    assert len(server.calls) == 1


def test_mirror_runs_only_for_remote_answers(verifier, vcache):
    mirrored: list[Identity] = []

    def counting_mirror(identity: Identity) -> dict[str, Any]:
        mirrored.append(identity)
        return mirror(identity)

    with_mirror(verifier, counting_mirror).verify(TOKEN)
    with_mirror(verifier, counting_mirror).verify(TOKEN)
    vcache.clear_local_entries()
    with_mirror(verifier, counting_mirror).verify(TOKEN)

    assert len(mirrored) == 1


def test_different_tokens_are_verified_separately(verifier, server):
    verifier.verify(TOKEN)
    verifier.verify(OTHER_TOKEN)

    assert [token for token, _ in server.calls] == [TOKEN, OTHER_TOKEN]


def test_mirror_failure_propagates_and_caches_nothing(verifier, server, vcache):
    def refusing_mirror(identity: Identity) -> dict[str, Any]:
        raise LookupError("no such local user")

    with pytest.raises(LookupError):
        with_mirror(verifier, refusing_mirror).verify(TOKEN)

    assert vcache.get_shared(vcache.token_key(TOKEN)) is None
    assert verifier.verify(TOKEN).source == "remote"


# --- recall: the in-process fast path --------------------------------------------------------


def test_recall_misses_before_any_verification(verifier):
    assert recall(verifier) is None


def test_recall_returns_the_in_process_verification_without_a_call(verifier, server):
    verified = verifier.verify(TOKEN)

    recalled = recall(verifier)

    assert recalled is not None
    assert recalled.source == "memory"
    assert (recalled.identity, recalled.verified_at) == (verified.identity, verified.verified_at)
    assert recall(verifier) is recalled
    assert len(server.calls) == 1


def test_recall_ignores_the_shared_level(verifier, vcache):
    verifier.verify(TOKEN)
    vcache.clear_local_entries()

    assert recall(verifier) is None


def test_recall_raises_a_cached_rejection(verifier, server):
    server.answer = Rejected("HTTP 401", status=401, code="TOKEN_EXPIRED")
    with pytest.raises(Rejected):
        verifier.verify(TOKEN)

    with pytest.raises(Rejected) as caught:
        recall(verifier)
    assert caught.value.code == "TOKEN_EXPIRED"


def test_recall_misses_once_the_memory_entry_expires(verifier, clock):
    verifier.verify(TOKEN)
    clock.advance(5)

    assert recall(verifier) is None


def test_the_shared_level_holds_the_entry_as_a_dict_and_memory_the_typed_entry(verifier, vcache):
    verifier.verify(TOKEN)
    recall(verifier)
    key = vcache.token_key(TOKEN)

    stored = vcache.state.shared.get(key)
    assert isinstance(stored, dict)
    assert stored["kind"] == "ok"
    assert "memo" not in stored
    assert isinstance(vcache.get_local(key), Verified)
    assert vcache.get_shared(key) == vcache.get_local(key)


# --- TTLs ----------------------------------------------------------------------------------


def test_entry_is_fresh_for_positive_ttl_without_exp(verifier, server, vcache, clock):
    verifier.verify(TOKEN)

    clock.advance(59)
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN).source == "redis"

    clock.advance(1)
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN).source == "remote"


def test_memory_entry_lives_local_ttl(verifier, clock):
    verifier.verify(TOKEN)

    clock.advance(4.9)
    assert verifier.verify(TOKEN).source == "memory"
    clock.advance(0.1)
    assert verifier.verify(TOKEN).source == "redis"


def test_ttl_never_outlives_the_token(verifier, server, vcache, clock):
    exp = int(clock.now) + 30  # usable until exp - skew = now + 25

    verifier.verify(TOKEN, Claimed(exp=exp))
    clock.advance(24)
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN, Claimed(exp=exp)).source == "redis"

    clock.advance(1)
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN, Claimed(exp=exp)).source == "remote"
    assert len(server.calls) == 2


def test_memory_ttl_never_outlives_the_token(verifier, server, clock):
    exp = int(clock.now) + 8  # usable for 3 s, less than LOCAL_CACHE_TTL

    verifier.verify(TOKEN, Claimed(exp=exp))
    clock.advance(2.9)
    assert verifier.verify(TOKEN, Claimed(exp=exp)).source == "memory"

    clock.advance(0.1)
    assert verifier.verify(TOKEN, Claimed(exp=exp)).source == "remote"


def test_shared_ttl_is_exp_minus_now_minus_skew(clock, server):
    cache = make_cache(caches["default"], clock)
    verifier = make_verifier(cache, clock, server)

    verifier.verify(TOKEN, Claimed(exp=int(clock.now) + 30))

    assert 24 <= redis_ttl(cache.token_key(TOKEN)) <= 25


def test_shared_ttl_is_positive_ttl_for_a_long_lived_token(clock, server):
    cache = make_cache(caches["default"], clock)
    verifier = make_verifier(cache, clock, server)

    verifier.verify(TOKEN, Claimed(exp=int(clock.now) + 900))

    assert 59 <= redis_ttl(cache.token_key(TOKEN)) <= 60


def test_token_within_its_skew_is_not_cached(verifier, server, vcache, clock):
    verifier.verify(TOKEN, Claimed(exp=int(clock.now) + 3))

    assert vcache.get_shared(vcache.token_key(TOKEN)) is None
    assert vcache.get_local(vcache.token_key(TOKEN)) is None


# --- rejections ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_rejection_is_negative_cached(verifier, server, vcache, status):
    server.answer = Rejected("HTTP", status=status, code="TOKEN_EXPIRED")

    for _ in range(3):
        with pytest.raises(Rejected) as caught:
            verifier.verify(TOKEN)
        assert (caught.value.status, caught.value.code) == (status, "TOKEN_EXPIRED")

    assert len(server.calls) == 1
    assert isinstance(vcache.get_shared(vcache.token_key(TOKEN)), Rejection)


def test_rejection_is_shared_with_other_processes(verifier, server, shared, clock):
    server.answer = Rejected("HTTP 401", status=401)
    with pytest.raises(Rejected):
        verifier.verify(TOKEN)

    other = make_verifier(make_cache(shared, clock), clock, server)
    with pytest.raises(Rejected):
        other.verify(TOKEN)

    assert len(server.calls) == 1


def test_rejection_is_stored_for_negative_ttl(clock):
    cache = make_cache(caches["default"], clock)
    verifier = make_verifier(cache, clock, FakeAuthServer(Rejected("HTTP 401", status=401)))

    with pytest.raises(Rejected):
        verifier.verify(TOKEN, Claimed(exp=int(clock.now) + 900))

    assert 9 <= redis_ttl(cache.token_key(TOKEN)) <= 10


def test_rejection_in_memory_lasts_at_most_local_ttl(verifier, server, vcache, clock):
    server.answer = Rejected("HTTP 401", status=401)
    with pytest.raises(Rejected):
        verifier.verify(TOKEN)

    clock.advance(5)

    assert vcache.get_local(vcache.token_key(TOKEN)) is None


def test_rejection_replaces_an_earlier_success(verifier, server, vcache, clock):
    verifier.verify(TOKEN)
    clock.advance(60)
    vcache.clear_local_entries()
    server.answer = Rejected("HTTP 401", status=401)

    with pytest.raises(Rejected):
        verifier.verify(TOKEN)
    with pytest.raises(Rejected):
        verifier.verify(TOKEN)
    assert len(server.calls) == 2


# --- outages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [Unavailable("timeout"), Unavailable("HTTP 503", status=503), BadResponse("html")]
)
def test_unavailable_and_bad_response_are_not_cached(verifier, server, vcache, error):
    server.answer = error

    for _ in range(2):
        with pytest.raises(type(error)):
            verifier.verify(TOKEN)

    assert len(server.calls) == 2
    assert vcache.get_shared(vcache.token_key(TOKEN)) is None


def test_outage_after_the_outage_ends_asks_again(verifier, server):
    server.answer = Unavailable("timeout")
    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)

    server.answer = IDENTITY

    assert verifier.verify(TOKEN).source == "remote"


def test_rate_limit_opens_the_breaker_so_the_next_call_stays_home(verifier, server):
    server.answer = Unavailable("HTTP 429", retry_after=20, status=429)
    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)

    with pytest.raises(Unavailable) as caught:
        verifier.verify(OTHER_TOKEN)

    assert caught.value.retry_after == 20
    assert len(server.calls) == 1


def test_spent_budget_is_unavailable_without_a_call(vcache, clock, server):
    verifier = make_verifier(vcache, clock, server)
    verifier.upstream.budget = UpstreamBudget(vcache.state, per_minute=1, clock=clock)
    verifier.verify(TOKEN)

    with pytest.raises(Unavailable) as caught:
        verifier.verify(OTHER_TOKEN)

    assert caught.value.retry_after is not None
    assert len(server.calls) == 1


def test_degraded_hook_answers_when_nothing_else_can(vcache, clock, server):
    fallback = Verification(IDENTITY, None, "degraded", clock.now)
    verifier = make_verifier(vcache, clock, server, degraded=lambda token: fallback)
    server.answer = Unavailable("down")

    assert verifier.verify(TOKEN) is fallback


def test_degraded_answer_for_a_revoked_user_is_refused(vcache, clock, server):
    fallback = Verification(IDENTITY, None, "degraded", clock.now - 10)
    verifier = make_verifier(vcache, clock, server, degraded=lambda token: fallback)
    mark(vcache, "u1", clock.now - 5)
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


def test_degraded_hook_returning_none_lets_the_error_through(vcache, clock, server):
    verifier = make_verifier(vcache, clock, server, degraded=lambda token: None)
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


# --- grace ---------------------------------------------------------------------------------


def test_grace_is_off_by_default(verifier, server, vcache, clock):
    verifier.verify(TOKEN)
    clock.advance(61)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


@pytest.mark.parametrize("error", [Unavailable("down"), BadResponse("html")])
def test_stale_entry_within_grace_is_accepted_as_grace(vcache, clock, server, error):
    verifier = grace_verifier(vcache, clock, server, grace=120)
    verified_at = verifier.verify(TOKEN).verified_at
    clock.advance(100)
    vcache.clear_local_entries()
    server.answer = error

    verification = verifier.verify(TOKEN)

    assert verification.source == "grace"
    assert verification.identity == IDENTITY
    assert verification.verified_at == verified_at
    assert len(server.calls) == 2


def test_grace_is_measured_from_the_last_verification_not_from_staleness(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server, grace=30)  # shorter than POSITIVE_TTL (60)
    verifier.verify(TOKEN)
    clock.advance(61)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


def test_grace_boundary_is_inclusive(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server, grace=120)
    verifier.verify(TOKEN)
    clock.advance(120)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    assert verifier.verify(TOKEN).source == "grace"


def test_beyond_grace_the_outage_is_raised(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server, grace=120)
    verifier.verify(TOKEN)
    clock.advance(120.001)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


def test_grace_never_follows_a_rejection(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server)
    verifier.verify(TOKEN)
    clock.advance(61)
    vcache.clear_local_entries()
    server.answer = Rejected("HTTP 401", status=401)
    with pytest.raises(Rejected):
        verifier.verify(TOKEN)
    clock.advance(1)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    with pytest.raises(Rejected):
        verifier.verify(TOKEN)
    assert isinstance(vcache.get_shared(vcache.token_key(TOKEN)), Rejection)


def test_grace_never_reaches_past_exp(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server)
    exp = int(clock.now) + 100
    verifier.verify(TOKEN, Claimed(exp=exp))
    server.answer = Unavailable("down")

    clock.advance(99)
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN, Claimed(exp=exp)).source == "grace"

    clock.advance(1)
    vcache.clear_local_entries()
    with pytest.raises(Unavailable):
        verifier.verify(TOKEN, Claimed(exp=exp))


def test_cache_hits_do_not_extend_grace(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server)
    verified_at = verifier.verify(TOKEN).verified_at
    key = vcache.token_key(TOKEN)

    clock.advance(3)
    assert verifier.verify(TOKEN).verified_at == verified_at
    clock.advance(55)
    vcache.clear_local_entries()
    hit = verifier.verify(TOKEN)

    assert (hit.source, hit.verified_at) == ("redis", verified_at)
    assert vcache.get_shared(key).verified_at == verified_at
    assert vcache.get_local(key).verified_at == verified_at


def test_grace_refuses_a_revoked_entry(vcache, clock, server):
    verifier = grace_verifier(vcache, clock, server)
    verifier.verify(TOKEN)
    mark(vcache, "u1", clock.now + 1)
    clock.advance(61)
    vcache.clear_local_entries()
    server.answer = Unavailable("down")

    with pytest.raises(Unavailable):
        verifier.verify(TOKEN)


# --- revocation marks ----------------------------------------------------------------------


def test_user_mark_after_verification_forces_a_new_verification(verifier, server, vcache, clock):
    verifier.verify(TOKEN)
    clock.advance(1)
    mark(vcache, "u1", clock.now)
    vcache.clear_local_entries()

    assert verifier.verify(TOKEN).source == "remote"
    assert len(server.calls) == 2


def test_global_mark_forces_a_new_verification(verifier, server, vcache, clock):
    verifier.verify(TOKEN)
    mark(vcache, "*", clock.now)
    vcache.clear_local_entries()

    assert verifier.verify(TOKEN).source == "remote"


def test_mark_before_verification_changes_nothing(verifier, server, vcache, clock):
    mark(vcache, "u1", clock.now - 1)
    mark(vcache, "*", clock.now - 1)
    verifier.verify(TOKEN)
    vcache.clear_local_entries()

    assert verifier.verify(TOKEN).source == "redis"


def test_another_users_mark_changes_nothing(verifier, vcache, clock):
    verifier.verify(TOKEN)
    mark(vcache, "u2", clock.now + 1)
    vcache.clear_local_entries()

    assert verifier.verify(TOKEN).source == "redis"


def test_revoked_reads_user_and_global_marks(verifier, vcache):
    mark(vcache, "u1", 99.0)
    entry = Verified(IDENTITY, None, 0.0, vcache.marks.sequence(), None)

    assert not verifier.marks.revoked(entry)  # that mark came before the verification started
    mark(vcache, "u1", 0.0)  # only the order counts, never the clocks
    assert verifier.marks.revoked(entry)
    vcache.state.shared.delete(vcache.state.key("nbf", "u1"))
    mark(vcache, "*", 150.0)
    assert verifier.marks.revoked(entry)


def test_revoked_is_false_while_the_shared_cache_is_down(broken_vcache, clock, server):
    verifier = make_verifier(broken_vcache, clock, server)

    assert not verifier.marks.revoked(Verified(IDENTITY, None, 1.0, -1, None))


def test_revoked_token_stays_rejected_after_a_global_mark(verifier, server, vcache, clock):
    key = vcache.token_key(TOKEN)
    revoked_entry = Rejection(401, "revoked")
    vcache.put(key, revoked_entry, shared_ttl=3600, local_ttl=5)  # as core.revocation writes it
    mark(vcache, "*", clock.now + 1)
    vcache.clear_local_entries()

    with pytest.raises(Rejected):
        verifier.verify(TOKEN)
    assert server.calls == []


# --- shared cache outage -------------------------------------------------------------------


def test_shared_cache_down_still_verifies_remotely_and_in_memory(broken_vcache, clock, server):
    verifier = make_verifier(broken_vcache, clock, server)

    assert verifier.verify(TOKEN).source == "remote"
    assert verifier.verify(TOKEN).source == "memory"


def test_a_token_the_auth_server_cannot_have_issued_costs_no_call_and_no_shared_write(
    vcache, clock, server
):
    verifier = make_verifier(vcache, clock, server)
    verifier.screen = ServerTokenFormat(algorithms=frozenset({"HS256"}))
    key = vcache.token_key(TOKEN)

    for _ in range(2):
        with pytest.raises(Rejected):
            verifier.verify(TOKEN)

    assert server.calls == []
    assert vcache.get_shared(key) is None
    with pytest.raises(Rejected):
        recall(verifier)  # remembered in this process


def test_a_client_past_its_share_is_refused_before_any_call(vcache, clock, server):
    verifier = make_verifier(vcache, clock, server)
    verifier.upstream.budget = UpstreamBudget(
        vcache.state, per_minute=100, per_client=1, clock=clock
    )
    verifier.verify(TOKEN, Claimed(client="10.0.0.1"))

    with pytest.raises(ShareSpent):
        verifier.verify(OTHER_TOKEN, Claimed(client="10.0.0.1"))

    assert len(server.calls) == 1
    verifier.verify(OTHER_TOKEN, Claimed(client="10.0.0.2"))
    assert len(server.calls) == 2


# --- revocation during a verification ---------------------------------------------------------


class RevokingAuthServer(FakeAuthServer):
    """Answer `me`, but let `during` run first, as a revocation that lands while /me is slow."""

    def __init__(self, during) -> None:
        super().__init__()
        self.during = during

    def me(self, token: str, *, expires_at: int | None = None) -> Identity:
        self.during()
        return super().me(token, expires_at=expires_at)


def rejection(cache) -> None:
    """Store a logout's rejection the way core.revocation.revoke_token does."""
    cache.put(cache.token_key(TOKEN), Rejection(401, "revoked"), shared_ttl=60, local_ttl=5)


@pytest.mark.parametrize(
    "revoke",
    [rejection, lambda cache: mark(cache, "u1", 0.0), lambda cache: mark(cache, "*", 0.0)],
    ids=["logout", "user", "everyone"],
)
def test_a_revocation_during_the_verification_wins(vcache, clock, revoke):
    verifier = make_verifier(vcache, clock, RevokingAuthServer(lambda: revoke(vcache)))

    with pytest.raises(Rejected):
        verifier.verify(TOKEN)

    stored = vcache.get_shared(vcache.token_key(TOKEN))
    assert stored is None or isinstance(stored, Rejection)
    assert vcache.get_local(vcache.token_key(TOKEN)) in (None, stored)


def test_a_revocation_during_the_verification_wins_while_redis_is_down(broken_vcache, clock):
    verifier = make_verifier(
        broken_vcache, clock, RevokingAuthServer(lambda: mark(broken_vcache, "u1", 0.0))
    )

    with pytest.raises(Rejected):
        verifier.verify(TOKEN)

    assert broken_vcache.get_local(broken_vcache.token_key(TOKEN)) is None


def test_a_mark_the_verifications_own_mirroring_made_does_not_refuse_it(verifier, vcache):
    def mirror_that_saves(identity: Identity) -> dict[str, Any]:
        mark(vcache, identity.remote_id, 0.0)  # core.receivers: the mirrored user was saved
        return mirror(identity)

    assert with_mirror(verifier, mirror_that_saves).verify(TOKEN).source == "remote"
    vcache.clear_local_entries()
    assert verifier.verify(TOKEN).source == "redis"


# --- one straight request path ---------------------------------------------------------------


class Counting:
    """Wrap one method of an object and count its calls."""

    def __init__(self, owner: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def test_a_miss_hashes_the_token_once_and_reads_the_local_level_once(verifier, vcache, monkeypatch):
    hashes = Counting(vcache, "token_key", monkeypatch)
    local_reads = Counting(vcache, "get_local", monkeypatch)

    assert verifier.verify(TOKEN, Claimed(exp=None)).source == "remote"

    assert (hashes.calls, local_reads.calls) == (1, 1)


def test_the_breaker_is_checked_once_per_call_to_the_auth_server(verifier, server, monkeypatch):
    checks = Counting(verifier.upstream.breaker, "admit", monkeypatch)

    verifier.verify(TOKEN)
    verifier.verify(OTHER_TOKEN)

    assert (len(server.calls), checks.calls) == (2, 2)


def test_the_verifier_mirrors_through_the_collaborator_it_was_given(vcache, clock, server):
    seen: list[Identity] = []

    def recording(identity: Identity) -> dict[str, Any]:
        seen.append(identity)
        return mirror(identity)

    verifier = with_mirror(make_verifier(vcache, clock, server), recording)
    verifier.verify(TOKEN)

    assert [identity.remote_id for identity in seen] == ["u1"]


def test_a_hit_never_reads_the_claims(verifier):
    verifier.verify(TOKEN)

    def claims() -> Claimed:
        raise AssertionError("claims read on an in-process hit")

    assert verifier.verify(TOKEN, claims).source == "memory"
