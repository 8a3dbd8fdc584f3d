"""Invalidation broadcasts: `apply` per message kind, and delivery over real Redis pub/sub.

"Another process" is a second VerificationCache on the same Redis, namespace and prefix, with its
own in-process level; this process's listener feeds `default_cache()`. Pub/sub is asynchronous, so
delivery is awaited with a short deadline; a sentinel message proves the listener is subscribed.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from prometheus_client import REGISTRY

from config.settings.base import redis_cache
from core import invalidation
from core.cache import VerificationCache
from core.conf import remote_auth_settings
from core.entries import Verified
from core.identity import Identity
from core.invalidation import apply, broadcast, channel, listen, redis_client
from core.localcache import LocalTTLCache
from core.marks import RevocationMarks
from core.state import SharedState
from core.wiring import default_cache
from tests.resilience.helpers import wait_until

from .conftest import make_cache

DELIVERY = 8.0
# The listener may be backing off after an earlier test stopped a Redis (at most 10 s).
SUBSCRIBED = 12.0


def entry(remote_id: str) -> Verified:
    return Verified(Identity(remote_id=remote_id), None, 1.0, 0, None)


@pytest.fixture
def filled(locmem, clock) -> VerificationCache:
    """A cache whose in-process level holds two tokens of u1 and one of u2."""
    cache = make_cache(locmem, clock)
    for name, who in (("a", "u1"), ("b", "u1"), ("c", "u2")):
        cache.remember(name, entry(who), 60)
    return cache


def kept(cache: VerificationCache) -> set[str]:
    return {key for key in ("a", "b", "c") if cache.get_local(key) is not None}


# --- apply -----------------------------------------------------------------------------------


def test_a_token_message_drops_that_token_only(filled) -> None:
    apply(filled, "token a")

    assert kept(filled) == {"b", "c"}


def test_a_user_message_drops_that_users_tokens_only(filled) -> None:
    apply(filled, "user u1")

    assert kept(filled) == {"c"}


def test_an_all_message_drops_everything(filled) -> None:
    apply(filled, "all *")

    assert kept(filled) == set()


@pytest.mark.parametrize("message", ["", "token", "user", "bogus a", "TOKEN a", "token  a"])
def test_unknown_or_incomplete_messages_change_nothing(filled, message: str) -> None:
    apply(filled, message)

    assert kept(filled) == {"a", "b", "c"}


KINDS = ("token", "user", "all")


def applied(kind: str) -> float:
    return REGISTRY.get_sample_value("saas_auth_invalidations_total", {"kind": kind}) or 0.0


@pytest.mark.parametrize(
    ("message", "kind"), [("token a", "token"), ("user u1", "user"), ("all *", "all")]
)
def test_each_applied_message_is_counted_by_kind(filled, message: str, kind: str) -> None:
    before = {name: applied(name) for name in KINDS}

    apply(filled, message)

    assert {name: applied(name) - before[name] for name in before} == {
        name: 1.0 if name == kind else 0.0 for name in before
    }


def test_an_unknown_message_is_not_counted(filled) -> None:
    before = [applied(name) for name in KINDS]

    apply(filled, "bogus a")

    assert [applied(name) for name in KINDS] == before
    assert applied("bogus") == 0


def test_apply_never_touches_the_shared_level(filled) -> None:
    filled.state.shared.set("a", entry("u1").to_dict(), 60)

    apply(filled, "all *")

    assert filled.state.shared.get("a") == entry("u1").to_dict()


# --- without Redis ----------------------------------------------------------------------------


def test_a_non_redis_cache_has_no_broadcast(filled) -> None:
    assert redis_client(filled) is None

    broadcast(filled, "all", "*")  # nothing to publish to, nothing raised

    assert kept(filled) == {"a", "b", "c"}


def test_no_listener_is_started_for_a_non_redis_cache(filled, monkeypatch) -> None:
    monkeypatch.setattr(invalidation, "_started", {})

    listen(lambda: filled)

    assert invalidation._started == {}


def test_a_broadcast_while_redis_is_down_is_logged_not_raised(
    private_redis, clock, settings, caplog
) -> None:
    settings.CACHES = {**settings.CACHES, "private": redis_cache(private_redis.url)}
    cache = make_cache(caches["private"], clock)
    private_redis.stop()

    broadcast(cache, "user", "u1")

    assert "invalidation broadcast failed" in caplog.text


# --- over Redis pub/sub -------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[VerificationCache]:
    """This process's default cache, with its invalidation listener running and subscribed."""
    cache = default_cache()
    listen(default_cache)
    sentinel = f"sentinel-{uuid.uuid4().hex}"

    def delivered() -> bool:
        cache.remember(sentinel, entry("nobody"), 60)
        broadcast(cache, "token", sentinel)
        return wait_for(lambda: cache.get_local(sentinel) is None, 0.2)

    wait_until(delivered, timeout=SUBSCRIBED)
    yield cache
    cache.clear_local_entries()


def wait_for(condition: Any, timeout: float) -> bool:
    try:
        wait_until(condition, timeout)
    except AssertionError:
        return False
    return True


def other_process(issuer: str | None = None, shared: Any = None) -> VerificationCache:
    """Return a cache like this process's, with its own in-process level (another process)."""
    state = SharedState(
        shared or caches["default"],
        prefix=remote_auth_settings.CACHE_PREFIX,
        issuer=issuer or remote_auth_settings.ISSUER_ID,
    )
    marks = RevocationMarks(state, local_ttl=5, local_size=100)
    return VerificationCache(state, LocalTTLCache(100), marks=marks, hash_key=b"another-process")


def test_a_subscription_is_counted(receiver) -> None:
    assert (REGISTRY.get_sample_value("saas_auth_invalidation_subscriptions_total") or 0) >= 1


def test_a_token_broadcast_reaches_another_process(receiver) -> None:
    receiver.remember("tok-1", entry("u1"), 60)
    receiver.remember("tok-2", entry("u1"), 60)

    broadcast(other_process(), "token", "tok-1")

    wait_until(lambda: receiver.get_local("tok-1") is None, DELIVERY)
    assert receiver.get_local("tok-2") is not None


def test_a_user_broadcast_reaches_another_process(receiver) -> None:
    receiver.remember("tok-1", entry("u1"), 60)
    receiver.remember("tok-2", entry("u2"), 60)

    broadcast(other_process(), "user", "u1")

    wait_until(lambda: receiver.get_local("tok-1") is None, DELIVERY)
    assert receiver.get_local("tok-2") is not None


def test_an_all_broadcast_reaches_another_process(receiver) -> None:
    receiver.remember("tok-1", entry("u1"), 60)

    broadcast(other_process(), "all", "*")

    wait_until(lambda: len(receiver) == 0, DELIVERY)


def test_another_deployments_broadcasts_on_the_same_redis_are_ignored(receiver) -> None:
    elsewhere = caches.create_connection("default")  # same Redis, other KEY_PREFIX
    elsewhere.key_prefix = "another-deployment"
    receiver.remember("tok-1", entry("u1"), 60)
    receiver.remember("marker", entry("nobody"), 60)

    broadcast(other_process(shared=elsewhere), "all", "*")
    broadcast(other_process(), "token", "marker")  # delivered in order, after the one above

    wait_until(lambda: receiver.get_local("marker") is None, DELIVERY)
    assert receiver.get_local("tok-1") is not None


def test_another_auth_servers_broadcasts_are_ignored(receiver) -> None:
    receiver.remember("tok-1", entry("u1"), 60)
    assert channel(other_process("staging")) != channel(receiver)

    receiver.remember("marker", entry("nobody"), 60)

    broadcast(other_process("staging"), "all", "*")
    broadcast(other_process(), "token", "marker")  # delivered in order, after the one above

    wait_until(lambda: receiver.get_local("marker") is None, DELIVERY)
    assert receiver.get_local("tok-1") is not None
