"""Production settings: secrets have no defaults, so a missing one stops start-up with a clear message."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, REMOTE_AUTH, SIMPLE_JWT, env


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

# Believed only from TRUSTED_PROXIES: apps.observability.middleware drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
