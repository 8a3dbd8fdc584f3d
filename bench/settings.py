"""Settings for the benchmark: production-shaped base settings, one URLconf with every variant.

The harness sets DATABASE_URL, REDIS_URL, AUTH_SERVICE_URL and AUTH_ISSUER_ID (one per run, see
`services.run_issuer`; read by `config.settings.base`) before this module is imported, in its own
process and in gunicorn's.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import REMOTE_AUTH

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Remote auth ---------------------------------------------------------------------------
# Defaults everywhere except the call budget: the uncached variant sends thousands of calls a
# minute on purpose, and a spent budget would turn its measurement into a measurement of 503s.
# The load generator is one client address, so its share of the budget is set as explicitly; the
# flood instance (bench/flood.py) sets both back to the production defaults in its environment.
REMOTE_AUTH = {
    "BUDGET_PER_MINUTE": 10_000_000,
    "BUDGET_PER_CLIENT": 10_000_000,
    **REMOTE_AUTH,
}

# --- mozilla-django-oidc (variant 3) -------------------------------------------------------
# Its userinfo endpoint is the auth server's /me; the token endpoint is never called by DRF.
OIDC_OP_USER_ENDPOINT = f"{REMOTE_AUTH['BASE_URL'].rstrip('/')}/api/auth/me"
OIDC_OP_TOKEN_ENDPOINT = f"{REMOTE_AUTH['BASE_URL'].rstrip('/')}/unused/token"
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{REMOTE_AUTH['BASE_URL'].rstrip('/')}/unused/authorize"
OIDC_RP_CLIENT_ID = "bench"
OIDC_RP_CLIENT_SECRET = "bench-client-secret"
OIDC_DRF_AUTH_BACKEND = "bench.oidc.MeEndpointBackend"
# Its default is no timeout at all; a bound costs nothing per request and keeps the run bounded.
OIDC_TIMEOUT = 5

# --- Logging: warnings and errors only (a line per request would be measured too) ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The outage phase answers thousands of 503s on purpose; Django logs each 5xx as an error.
        "django.request": {"level": "CRITICAL"},
    },
}
