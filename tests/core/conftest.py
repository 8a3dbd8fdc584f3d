"""Fixtures for the core adapter's unit tests: a fake clock, caches real and broken."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache

from core.cache import VerificationCache
from core.localcache import LocalTTLCache
from core.marks import RevocationMarks
from core.state import SharedState


class FakeClock:
    """A clock that moves only when told to; also usable as SingleFlight's `sleep`."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance


class BrokenCache(BaseCache):
    """A cache backend whose every operation fails, as a Redis outage without IGNORE_EXCEPTIONS."""

    def __init__(self) -> None:
        super().__init__({})
        self.attempts = 0

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        self.attempts += 1
        raise ConnectionError("cache down")

    add = get = set = touch = delete = clear = _fail
    incr = decr = get_many = set_many = delete_many = has_key = _fail


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def locmem() -> Iterator[LocMemCache]:
    """Return a private in-process Django cache, emptied afterwards."""
    cache = LocMemCache(f"core-tests-{uuid.uuid4().hex}", {})
    yield cache
    cache.clear()


@pytest.fixture(params=["redis", "locmem"])
def shared(request: pytest.FixtureRequest) -> BaseCache:
    """Return the shared cache: the real Redis test database, then a LocMemCache."""
    if request.param == "redis":
        return caches["default"]
    cache: LocMemCache = request.getfixturevalue("locmem")
    return cache


def make_cache(
    shared: BaseCache,
    clock: FakeClock,
    *,
    prefix: str = "t",
    issuer: str = "a",
    hash_key: bytes = b"k",
    local_ttl: float = 5,
) -> VerificationCache:
    """Build a VerificationCache, its shared state and its revocation marks, as core.wiring does."""
    state = SharedState(shared, prefix=prefix, issuer=issuer)
    marks = RevocationMarks(state, local_ttl=local_ttl, local_size=100, clock=clock)
    return VerificationCache(state, LocalTTLCache(100, clock=clock), marks=marks, hash_key=hash_key)


@pytest.fixture
def vcache(shared: BaseCache, clock: FakeClock) -> VerificationCache:
    return make_cache(shared, clock)


@pytest.fixture
def broken_vcache(clock: FakeClock) -> VerificationCache:
    return make_cache(BrokenCache(), clock)
