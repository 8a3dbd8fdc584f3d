"""Production settings: secrets have no defaults, so a missing one stops start-up with a clear message."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, REDIS, REMOTE_AUTH, SIMPLE_JWT, env


def required(name: str) -> str:
    """Return the environment variable `name`, or stop start-up saying which one is missing."""
    value: str = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment for config.settings.production "
            "(see .env.example)."
        )
    return value


DEBUG = False
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": required("LOCAL_JWT_SIGNING_KEY")}
# Identities are keyed by the auth server's name: never guessed from its URL in production.
REMOTE_AUTH = {**REMOTE_AUTH, "ISSUER_ID": required("AUTH_ISSUER_ID")}
# Inconsistent Redis settings (every redis.E… check) stop start-up here: gunicorn runs no system checks,
# and a sentinel entry that is not host:port would otherwise be dropped without a word.
if _redis_problems := REDIS.problems():
    raise ImproperlyConfigured(
        " ".join(f"{problem.id}: {problem.message} {problem.hint}" for problem in _redis_problems)
    )

# Believed only from TRUSTED_PROXIES: apps.observability.middleware drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# The auth cookies: Secure; host-only `__Host-` (no Domain, Path=/) unless AUTH_COOKIE_DOMAIN opts
# into subdomains; the refresh cookie has a path, so `__Secure-` is the prefix it may carry.
AUTH_COOKIE_SECURE = True
_PREFIX = "__Secure-" if env("AUTH_COOKIE_DOMAIN", default=None) else "__Host-"
AUTH_COOKIE_NAME = env("AUTH_COOKIE_NAME", default=f"{_PREFIX}saas_access")
AUTH_COOKIE_REFRESH_NAME = env("AUTH_COOKIE_REFRESH_NAME", default="__Secure-saas_refresh")
REMOTE_AUTH = {**REMOTE_AUTH, "ACCESS_COOKIE": AUTH_COOKIE_NAME}

# --- Edge: HSTS, HTTPS, static files (README "Security at the edge") ------------------------------
# Sent on HTTPS answers only (X-Forwarded-Proto from a trusted proxy says which ones are).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# TLS ends at the proxy, which redirects to HTTPS itself; on, probes and the gateway stay on HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$", r"^api/auth/forward$"]
SILENCED_SYSTEM_CHECKS = [
    "security.W008",  # SECURE_SSL_REDIRECT off: TLS ends at the proxy (an environment choice).
    "security.W021",  # SECURE_HSTS_PRELOAD off: preload lists are an opt-in (hard to leave).
]
# gunicorn serves the admin's and the API docs' static files itself (after collectstatic).
_AFTER_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_AFTER_SECURITY],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_AFTER_SECURITY:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
