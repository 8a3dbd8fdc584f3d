"""The adapter's settings: the `REMOTE_AUTH` dict, read lazily, with defaults and dotted-path hooks.

Read as `remote_auth_settings.POSITIVE_TTL`. Nothing is read at import time, and the object reloads
in place when a test overrides `REMOTE_AUTH`.
"""

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # Where the auth server lives and how long we wait for it.
    "BASE_URL": "http://localhost:4000",
    "CONNECT_TIMEOUT": 1.0,
    "READ_TIMEOUT": 3.0,
    # Readiness: the auth server is up when it answers below 500 here; asked at most this often.
    "HEALTH_PATH": "/health",
    "HEALTH_CACHE_TTL": 5.0,
    # Verification cache.
    "CACHE_ALIAS": "default",
    "CACHE_PREFIX": "remoteauth:v1",
    "HASH_KEY": None,  # None: derived from SECRET_KEY
    "POSITIVE_TTL": 60,
    "NEGATIVE_TTL": 10,
    "EXP_SKEW": 5,
    "LOCAL_CACHE_TTL": 5,
    "LOCAL_CACHE_SIZE": 10_000,
    # Tokens.
    "MAX_TOKEN_LENGTH": 4096,
    "LOCAL_ISSUER": "local-django",  # simplejwt's SIMPLE_JWT["ISSUER"] here
    # Bearer tokens with these prefixes belong to a later authentication class: passed on unread.
    "FOREIGN_TOKEN_PREFIXES": (),
    # User mirroring.
    "PROVISIONING": "create",  # create | link_email | deny
    "ISSUER_ID": "local",  # the operator's name for the auth server: identities are keyed by it
    "LINK_UNVERIFIED_EMAIL": False,
    "USER_SYNC_CLASS": "core.users.UserSync",
    "FIELD_MAP": {"email": "email", "first_name": "first_name", "last_name": "last_name"},
    # Resilience.
    "SINGLE_FLIGHT_LEASE": 5.0,
    "SINGLE_FLIGHT_WAIT": 4.0,
    "BREAKER_THRESHOLD": 5,
    "BREAKER_COOLDOWN": 30,
    "BUDGET_PER_MINUTE": 120,
    "GRACE_SECONDS": 0,
    "RETRY_AFTER": 5,
    "JWT_SECRET": None,
    "REVOCATION_SECRET": None,
    "REVOCATION_MAX_SKEW": 300,
    # Who may spend what: tokens the auth server cannot have issued cost nothing upstream, and one
    # client may spend only its share of the budget.
    "TOKEN_FORMAT": "jwt",  # jwt | opaque
    "JWT_ALGORITHMS": (
        "HS256",
        "HS384",
        "HS512",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "ES256",
        "ES384",
    ),
    "REQUIRE_EXP": True,
    # Verification mode: remote (/me per new token) | jwks (signature checked here) | hybrid
    # (signature checked here, then /me). See core.signature and core.jwks.
    "VERIFY_MODE": "remote",
    "JWKS_URL": None,  # None: BASE_URL + /.well-known/jwks.json
    "JWT_ISSUER": None,  # None: `iss` is not checked
    "JWT_AUDIENCE": None,  # None: a token carrying `aud` is refused
    "JWT_LEEWAY": 30,
    "JWT_CLAIMS": {},  # Identity field -> claim name, over core.identity.DEFAULT_CLAIMS
    "JWKS_FETCH_PROFILE": True,
    "JWKS_PROFILE_TTL": 3600,
    "JWKS_MIN_REFRESH": 30,
    "JWKS_MAX_AGE": 3600,
    "JWKS_STALE_MAX": 24 * 3600,
    "BUDGET_PER_CLIENT": 20,
    "TRUSTED_PROXIES": (),
    # How long `authcache revoke --user` refuses a user's older tokens: the longest an access
    # token of the auth server lives.
    "USER_REVOCATION_TTL": 24 * 3600,
    # How long a known user's snapshot answers a new token of theirs with no database query
    # (core.known); 0 turns it off.
    "KNOWN_USER_TTL": 3600,
    # The cookie CookieAuthentication reads the access token from (the browser pages set it).
    "ACCESS_COOKIE": "saas_access",
}
IMPORT_STRINGS = {"USER_SYNC_CLASS"}
CHOICES = {
    "PROVISIONING": {"create", "link_email", "deny"},
    "TOKEN_FORMAT": {"jwt", "opaque"},
    "VERIFY_MODE": {"remote", "jwks", "hybrid"},
}


class RemoteAuthSettings:
    """Give attribute access to `settings.REMOTE_AUTH`, falling back to DEFAULTS."""

    def __init__(self, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._cached: set[str] = set()

    @property
    def user_settings(self) -> dict[str, Any]:
        """Return the project's REMOTE_AUTH dict (empty when unset)."""
        if not hasattr(self, "_user_settings"):
            self._user_settings: dict[str, Any] = getattr(settings, "REMOTE_AUTH", {}) or {}
        return self._user_settings

    def __getattr__(self, name: str) -> Any:
        if name not in self.defaults:
            raise AttributeError(f"Invalid REMOTE_AUTH setting: {name!r}")
        value = self.user_settings.get(name, self.defaults[name])
        if name in IMPORT_STRINGS and isinstance(value, str):
            value = import_string(value)
        self._cached.add(name)
        setattr(self, name, value)
        return value

    def reload(self) -> None:
        """Forget every cached value so the next read sees the current Django settings."""
        for name in self._cached:
            delattr(self, name)
        self._cached.clear()
        if hasattr(self, "_user_settings"):
            delattr(self, "_user_settings")


remote_auth_settings = RemoteAuthSettings(DEFAULTS)


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in ("REMOTE_AUTH", "SECRET_KEY", "CACHES"):
        remote_auth_settings.reload()


setting_changed.connect(_reload)
