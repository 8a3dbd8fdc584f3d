"""The composition root: the adapter's collaborators, built from `remote_auth_settings` on first use.

They are rebuilt after a settings change (tests override `REMOTE_AUTH`), never at import time.
"""

import hashlib
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed

from . import metrics
from .breaker import CircuitBreaker
from .budget import UpstreamBudget
from .cache import VerificationCache
from .client import AuthServiceClient
from .conf import remote_auth_settings as conf
from .degraded import LocalSignatureVerifier
from .denylist import Denylist
from .identity import DEFAULT_CLAIMS
from .invalidation import listen
from .jwks import KeyPolicy, KeySet
from .known import KnownUsers
from .localcache import LocalTTLCache
from .marks import RevocationMarks
from .mirroring import Mirror
from .reachability import ReachabilityProbe
from .signature import ProfileFill, SignatureCheck
from .singleflight import SingleFlight
from .state import SharedState
from .tokens import ClaimRules, ServerTokenFormat
from .upstream import Upstream
from .users import UserSync
from .verifier import Policy, Verifier


@cache
def default_client() -> AuthServiceClient:
    """Return the process-wide client for the configured auth server."""
    return AuthServiceClient(
        conf.BASE_URL,
        connect_timeout=float(conf.CONNECT_TIMEOUT),
        read_timeout=float(conf.READ_TIMEOUT),
        observer=metrics.observe_upstream,
    )


@cache
def default_reachability() -> ReachabilityProbe:
    """Return the process-wide probe of the auth server's health path (no budget, no breaker)."""
    return ReachabilityProbe(default_client(), conf.HEALTH_PATH, float(conf.HEALTH_CACHE_TTL))


def hash_key() -> bytes:
    """Return the key of the cache keys' hash: HASH_KEY, else one derived from SECRET_KEY."""
    secret = conf.HASH_KEY or f"remote-auth-cache:{settings.SECRET_KEY}"
    return hashlib.sha256(secret.encode()).digest()


@cache
def default_state() -> SharedState:
    """Return the process-wide shared state: the safe shared cache and this namespace's keys."""
    return SharedState(
        caches[conf.CACHE_ALIAS], prefix=conf.CACHE_PREFIX, issuer=str(conf.ISSUER_ID)
    )


@cache
def default_marks() -> RevocationMarks:
    """Return the process-wide revocation marks."""
    return RevocationMarks(
        default_state(),
        local_ttl=float(conf.LOCAL_CACHE_TTL),
        local_size=int(conf.LOCAL_CACHE_SIZE),
    )


@cache
def default_cache() -> VerificationCache:
    """Return the process-wide two-level verification cache."""
    return VerificationCache(
        default_state(),
        LocalTTLCache(int(conf.LOCAL_CACHE_SIZE)),
        marks=default_marks(),
        hash_key=hash_key(),
    )


@cache
def default_denylist() -> Denylist:
    """Return the process-wide record of durable revocations."""
    return Denylist(
        default_state(),
        issuer=str(conf.ISSUER_ID),
        user_ttl=float(conf.USER_REVOCATION_TTL),
        skew=float(conf.EXP_SKEW),
        local_ttl=float(conf.LOCAL_CACHE_TTL),
    )


@cache
def default_upstream() -> Upstream:
    """Return the breaker and budget every call to the auth server goes through."""
    state = default_state()
    return Upstream(
        CircuitBreaker(
            state,
            threshold=int(conf.BREAKER_THRESHOLD),
            cooldown=float(conf.BREAKER_COOLDOWN),
            probe_timeout=float(conf.CONNECT_TIMEOUT) + float(conf.READ_TIMEOUT) + 1,
        ),
        UpstreamBudget(
            state, per_minute=int(conf.BUDGET_PER_MINUTE), per_client=int(conf.BUDGET_PER_CLIENT)
        ),
    )


def listen_for_invalidations() -> None:
    """Subscribe this process to invalidation broadcasts (once per process; core.invalidation).

    A serving process does it at start (config.loaded), so a copy it takes on its first request is
    already covered; any other process on its first verification.
    """
    listen(default_cache)


@cache
def default_verifier() -> Verifier:
    """Return the process-wide verifier with its cache, marks, single-flight and upstream gate."""
    listen_for_invalidations()
    return Verifier(
        default_client(),
        default_cache(),
        marks=default_marks(),
        mirror=Mirror(default_user_sync),
        policy=Policy(
            positive_ttl=float(conf.POSITIVE_TTL),
            negative_ttl=float(conf.NEGATIVE_TTL),
            local_ttl=float(conf.LOCAL_CACHE_TTL),
            exp_skew=float(conf.EXP_SKEW),
            grace=float(conf.GRACE_SECONDS),
        ),
        flight=SingleFlight(
            default_state(),
            lease=float(conf.SINGLE_FLIGHT_LEASE),
            wait=float(conf.SINGLE_FLIGHT_WAIT),
            on_wait=metrics.FLIGHT_WAITS.inc,
        ),
        upstream=default_upstream(),
        degraded=LocalSignatureVerifier(conf.JWT_SECRET, str(conf.ISSUER_ID))
        if conf.JWT_SECRET
        else None,
        screen=server_token_format(),
        denylist=default_denylist(),
        signature=signature_check(),
        known=default_known_users(),
    )


@cache
def default_known_users() -> KnownUsers:
    """Return the process-wide snapshots of known users (core.known)."""
    return KnownUsers(
        default_state(),
        marks=default_marks(),
        denylist=default_denylist(),
        policy=default_user_sync().policy(),
        ttl=float(conf.KNOWN_USER_TTL),
    )


JWKS_PATH = "/.well-known/jwks.json"


@cache
def default_keys() -> KeySet:
    """Return the process-wide JWKS of the auth server (fetched through the upstream gate)."""
    url = str(conf.JWKS_URL or JWKS_PATH)
    return KeySet(
        lambda: default_client().jwks(url),
        default_state(),
        default_upstream(),
        KeyPolicy(
            min_refresh=float(conf.JWKS_MIN_REFRESH),
            max_age=float(conf.JWKS_MAX_AGE),
            stale_max=float(conf.JWKS_STALE_MAX),
        ),
    )


def claim_rules() -> ClaimRules:
    """Return what a locally checked token must satisfy (public-key algorithms only)."""
    return ClaimRules(
        algorithms=allowed_algorithms(),
        issuer=conf.JWT_ISSUER or None,
        audience=conf.JWT_AUDIENCE or None,
        leeway=float(conf.JWT_LEEWAY),
    )


def signature_check() -> SignatureCheck | None:
    """Return the local signature step of `jwks` and `hybrid` modes; None in `remote` mode."""
    if conf.VERIFY_MODE == "remote":
        return None
    profile = None
    if conf.VERIFY_MODE == "jwks" and conf.JWKS_FETCH_PROFILE:
        profile = ProfileFill(default_state(), float(conf.JWKS_PROFILE_TTL))
    return SignatureCheck(
        default_keys(),
        claim_rules(),
        trust_claims=conf.VERIFY_MODE == "jwks",
        claim_map={**DEFAULT_CLAIMS, **dict(conf.JWT_CLAIMS)},
        profile=profile,
    )


def allowed_algorithms() -> frozenset[str]:
    """Return AUTH_JWT_ALGORITHMS as a set, `none` never among them."""
    algorithms = conf.JWT_ALGORITHMS
    if isinstance(algorithms, str):
        algorithms = algorithms.split(",")
    return frozenset(alg.strip() for alg in algorithms if alg.strip().lower() not in ("", "none"))


def server_token_format() -> ServerTokenFormat | None:
    """Return what the auth server's tokens look like; None when they are opaque to us."""
    if conf.TOKEN_FORMAT != "jwt":  # noqa: S105  # a format name, not a password
        return None
    return ServerTokenFormat(
        algorithms=allowed_algorithms(),
        require_exp=bool(conf.REQUIRE_EXP),
        secret=conf.JWT_SECRET or None,
    )


def breaker_state() -> str:
    """Return the circuit breaker's state word, read at scrape time (a StateCollector source)."""
    return str(default_upstream().breaker.state()["state"])


@cache
def default_user_sync() -> UserSync:
    """Return the configured user-mirroring policy."""
    sync_class: type[UserSync] = conf.USER_SYNC_CLASS
    return sync_class(
        provisioning=conf.PROVISIONING,
        field_map=dict(conf.FIELD_MAP),
        issuer=str(conf.ISSUER_ID),
        link_unverified=bool(conf.LINK_UNVERIFIED_EMAIL),
    )


def reset_defaults(**kwargs: Any) -> None:
    """Forget every default collaborator so the next use rebuilds it from current settings."""
    factories = (
        default_client,
        default_state,
        default_marks,
        default_cache,
        default_upstream,
        default_denylist,
        default_known_users,
        default_verifier,
        default_keys,
        default_user_sync,
        default_reachability,
    )
    for factory in factories:
        factory.cache_clear()


setting_changed.connect(reset_defaults)
