"""The authentication classes the variants use that no library ships.

Variant 4 runs our whole miss path on every request; variant 5 answers every request from Redis.
Both reuse the default collaborators (client, Redis, breaker, budget, mirroring) unchanged.
"""

from dataclasses import replace
from functools import cache
from types import SimpleNamespace
from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from core.authentication import RemoteAuth, RemoteJWTAuthentication
from core.cache import VerificationCache
from core.localcache import LocalTTLCache
from core.singleflight import SingleFlight
from core.verifier import Verifier
from core.wiring import default_state, default_verifier, hash_key

from .variants import FORWARD, NEW_TOKEN, NONE, OIDC, SHARED_HIT, SIMPLEJWT, STEADY, UNCACHED


@cache
def uncached_verifier() -> Verifier:
    """Return a verifier that asks the auth server every time and stores nothing.

    Its in-process level holds nothing (size 0) and its zero-TTL policy makes every Redis entry
    stale, so each call is a real miss: Redis reads, single-flight lease, breaker, budget, the
    /me call, the denylist and mirroring (or the known user's snapshot, as in production). Only
    the final cache write is skipped.
    """
    base = default_verifier()
    verification_cache = VerificationCache(
        default_state(), LocalTTLCache(0), marks=base.marks, hash_key=hash_key()
    )
    policy = replace(base.policy, positive_ttl=0, negative_ttl=0, local_ttl=0, grace=0)
    flight = SingleFlight(default_state(), lease=base.flight.lease, wait=base.flight.wait)
    return Verifier(
        base.client,
        verification_cache,
        marks=base.marks,
        mirror=base.mirror,
        policy=policy,
        flight=flight,
        upstream=base.upstream,
        denylist=base.denylist,
        known=base.known,
    )


class UncachedRemoteAuthentication(RemoteJWTAuthentication):
    """Ours, verifying every request at the auth server (variant 4)."""

    def __init__(self) -> None:
        super().__init__(verifier=uncached_verifier())


class SharedHitRemoteAuthentication(RemoteJWTAuthentication):
    """Ours, as a process that has never seen the token: the in-process level is emptied first.

    Used end to end only (variant 5); in-process the harness empties the level outside the timing.
    """

    def authenticate(self, request: Request) -> tuple[Any, RemoteAuth] | None:
        self.verifier.cache.clear_local_entries()
        return super().authenticate(request)


class ForwardAuthCall(BaseAuthentication):
    """Variant 7 in process: the whole ForwardAuth view, authentication, membership and headers."""

    def __init__(self) -> None:
        from apps.gateway.views import ForwardAuthView

        self.view = ForwardAuthView.as_view(authentication_classes=[RemoteJWTAuthentication])

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        response = self.view(request._request)
        if response.status_code != 200:
            return None
        return response["X-User-Id"], SimpleNamespace(source=response["X-Auth-Source"])


class NoAuthentication(BaseAuthentication):
    """Claim nothing: the in-process floor (variant 1 has no authenticator at all)."""

    def authenticate(self, request: Request) -> None:
        return None


def oidc_authentication() -> type[BaseAuthentication] | None:
    """Return mozilla-django-oidc's DRF class, or None when it is not installed."""
    try:
        from mozilla_django_oidc.contrib.drf import OIDCAuthentication
    except ImportError:
        return None
    drf_class: type[BaseAuthentication] = OIDCAuthentication
    return drf_class


def endpoint_classes() -> dict[str, list[type[BaseAuthentication]] | None]:
    """Return each variant's `authentication_classes` end to end (None: not installed)."""
    from rest_framework_simplejwt.authentication import JWTAuthentication

    oidc = oidc_authentication()
    return {
        NONE.key: [],
        SIMPLEJWT.key: [JWTAuthentication],
        OIDC.key: [oidc] if oidc else None,
        UNCACHED.key: [UncachedRemoteAuthentication],
        SHARED_HIT.key: [SharedHitRemoteAuthentication],
        STEADY.key: [RemoteJWTAuthentication],
        FORWARD.key: [RemoteJWTAuthentication],
        NEW_TOKEN.key: [RemoteJWTAuthentication],
    }
