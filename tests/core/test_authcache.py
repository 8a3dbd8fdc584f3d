"""`manage.py authcache`: stats as JSON for operators, and flushes of a token, a user or everything.

Each test points SaaS Admin at its own (unreachable) auth server URL, so the namespace it inspects
holds only what the test wrote, even with other test runs sharing the Redis server.
"""

import io
import json
import sys
import uuid
from functools import partial
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command

from core.entries import Verified
from core.marks import MARK_TTL
from core.models import Revocation
from core.state import namespace_for
from core.wiring import default_cache, default_denylist, default_marks, default_upstream
from tests.core import stored
from tests.core.stored import shared, ttl


@pytest.fixture(autouse=True)
def base_url(settings) -> str:
    url = f"http://auth-{uuid.uuid4().hex[:8]}.invalid:4000"
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": url, "BUDGET_PER_MINUTE": 50}
    return url


def run(*args: str, stdin: str | None = None, monkeypatch: Any = None) -> str:
    """Run the command in this process; return what it printed."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("authcache", *args, stdout=out)
    return out.getvalue()


def stats() -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(run("stats"))
    return shown


# These tests count Redis keys: their entries start no revocation counter.
store = partial(stored.store, sequenced=False)


# --- stats -----------------------------------------------------------------------------------


def test_stats_describe_an_idle_cache(base_url) -> None:
    shown = stats()

    assert shown["namespace"] == namespace_for("local")
    assert shown["issuer"] == "local"
    assert shown["authServer"] == base_url
    assert shown["sharedKeys"] == {}
    assert shown["breaker"] == {"state": "closed", "failures": 0}
    assert shown["budget"] == {"perMinute": 50, "usedLastMinute": 0.0}


def test_stats_count_shared_keys_by_kind_breaker_and_budget() -> None:
    store("token-one")
    store("token-two")
    upstream = default_upstream()
    upstream.budget.spend()
    upstream.budget.spend()
    upstream.breaker.open(30)

    shown = stats()

    assert shown["sharedKeys"]["tok"] == 2
    assert shown["breaker"]["state"] == "open"
    assert 29 <= shown["breaker"]["retryAfter"] <= 30
    assert shown["budget"]["usedLastMinute"] == 2.0
    assert shown["inProcessEntries"] == 2


def test_stats_ignore_keys_of_other_namespaces_and_key_prefixes(settings) -> None:
    store("ours")
    base = default_cache().state.base
    caches["default"].set("unrelated:tok:x", 1, 60)
    neighbour = {**settings.CACHES["default"], "KEY_PREFIX": f"other-{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "neighbour": neighbour}
    caches["neighbour"].set(f"{base}:tok:theirs", 1, 60)  # another deployment, same Redis

    try:
        assert stats()["sharedKeys"] == {"tok": 1}
    finally:
        caches["neighbour"].delete(f"{base}:tok:theirs")


def test_stats_never_print_a_token() -> None:
    raw = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
    store(raw)

    assert raw not in run("stats")


def test_stats_say_when_the_shared_cache_is_not_redis(settings) -> None:
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": locmem, "remote_auth": locmem}

    assert stats()["sharedKeys"] == "not countable: the shared cache is not Redis"


# --- flush ------------------------------------------------------------------------------------


def test_flush_token_forgets_the_token_and_refuses_nothing(monkeypatch) -> None:
    raw = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
    key = store(raw)

    printed = run("flush", "--token", "-", stdin=raw + "\n", monkeypatch=monkeypatch)

    assert default_cache().get_shared(key) is None  # forgotten: the next request asks again
    assert default_cache().get_local(key) is None
    assert raw not in printed


def test_flush_token_refuses_a_token_given_as_a_value(monkeypatch) -> None:
    raw = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
    key = store(raw)

    with pytest.raises(CommandError, match="standard input"):
        run("flush", "--token", raw, stdin=raw + "\n", monkeypatch=monkeypatch)

    assert isinstance(shared(key), Verified)


def test_flush_token_refuses_empty_standard_input(monkeypatch) -> None:
    with pytest.raises(CommandError, match="no token"):
        run("flush", "--token", "-", stdin="\n", monkeypatch=monkeypatch)


def test_flush_user_revokes_one_users_verifications() -> None:
    alice, bob = store("alice-token", "u-alice"), store("bob-token", "u-bob")

    printed = run("flush", "--user", "u-alice")

    cache = default_cache()
    assert "u-alice" in printed
    assert default_marks().revoked(shared(alice))
    assert not default_marks().revoked(shared(bob))
    assert cache.get_local(alice) is None
    assert MARK_TTL - 5 <= ttl(cache.state.key("nbf", "u-alice")) <= MARK_TTL


def test_flush_all_revokes_every_verification() -> None:
    keys = [store("alice-token", "u-alice"), store("bob-token", "u-bob")]

    run("flush", "--all")

    cache = default_cache()
    assert all(default_marks().revoked(shared(key)) for key in keys)
    assert len(cache) == 0


@pytest.mark.parametrize(
    "args",
    [("flush",), ("flush", "--all", "--user", "u1"), ("flush", "--user"), ("purge",), ()],
    ids=["no-target", "two-targets", "user-without-id", "unknown-action", "no-action"],
)
def test_bad_arguments_are_refused_and_flush_nothing(args: tuple[str, ...]) -> None:
    key = store("a-token")

    with pytest.raises(CommandError):
        run(*args)

    assert not default_marks().revoked(shared(key))


# --- revoke ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoke_token_reads_stdin_and_keeps_the_revocation_in_the_database(monkeypatch) -> None:
    raw = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
    store(raw)

    printed = run("revoke", "--token", "-", stdin=raw + "\n", monkeypatch=monkeypatch)

    assert raw not in printed
    assert default_denylist().refuses(raw, "u1")


@pytest.mark.django_db
def test_revoke_user_marks_the_user_and_keeps_the_revocation_in_the_database() -> None:
    alice = store("token-one", "u1")

    run("revoke", "--user", "u1")

    assert default_marks().revoked(shared(alice))
    assert Revocation.objects.filter(kind=Revocation.USER, subject="local:u1").exists()


def test_revoke_refuses_a_token_given_as_a_value(monkeypatch) -> None:
    with pytest.raises(CommandError, match="standard input"):
        run("revoke", "--token", "x.y.z", stdin="x.y.z\n", monkeypatch=monkeypatch)
