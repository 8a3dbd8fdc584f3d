"""Settings shared by every environment; each value is read from the environment here."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF

from apps.gateway.tokenformat import PREFIX as SERVICE_TOKEN_PREFIX
from config.environment import Env
from config.rediscache import RedisConnection

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# --- Core ----------------------------------------------------------------------------------
SECRET_KEY: str = env("SECRET_KEY", default="local-insecure-secret-key-change-me")
DEBUG: bool = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "core",
    "apps.health",
    "apps.authentication",
    "apps.browser",
    "apps.observability",
    "apps.organizations",
    "apps.subscriptions",
    "apps.openapi",
    "apps.edge",
    "apps.gateway",
]

MIDDLEWARE = [
    "apps.observability.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.edge.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DegradedAuthHeaderMiddleware",
    "apps.api.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# Where `manage.py collectstatic` puts the admin's and the API docs' files (WhiteNoise serves them).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database ------------------------------------------------------------------------------
# PostgreSQL gets bounded waits: libpq's connect timeout covers a server that accepts TCP and never
# answers, the statement timeout a query that runs too long, and TCP keepalives a server that
# vanished mid-query (dead after about twice DATABASE_KEEPALIVE seconds without an answer).
DATABASE_CONNECT_TIMEOUT: int = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
DATABASE_STATEMENT_TIMEOUT: float = env.float("DATABASE_STATEMENT_TIMEOUT", default=5.0)
DATABASE_KEEPALIVE: int = env.int("DATABASE_KEEPALIVE", default=10)


def with_timeouts(
    database: dict[str, Any], statement_timeout: float = DATABASE_STATEMENT_TIMEOUT
) -> dict[str, Any]:
    """Return `database` with connect and statement timeouts and TCP keepalives (PostgreSQL only)."""
    if database.get("ENGINE") != "django.db.backends.postgresql":
        return database
    options = dict(database.get("OPTIONS", {}))
    statement = f"-c statement_timeout={int(statement_timeout * 1000)}"
    options.update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT,
        keepalives=1,
        keepalives_idle=DATABASE_KEEPALIVE,
        keepalives_interval=max(1, DATABASE_KEEPALIVE // 3),
        keepalives_count=3,
        options=f"{options.get('options', '')} {statement}".strip(),
    )
    return {**database, "OPTIONS": options}


DATABASES = {
    "default": with_timeouts(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache ---------------------------------------------------------------------------------
# Unset REDIS_URL and REDIS_SENTINELS: one process's memory. Set: django-redis, where an outage
# reads as a miss. REDIS_SENTINELS + REDIS_SENTINEL_MASTER: the master is found through Sentinel
# (and again after a failover); REDIS_TLS_*: files for rediss:// (config.rediscache, checks redis.E…).
REDIS = RedisConnection(
    url=env("REDIS_URL", default=""),
    sentinels=tuple(env.list("REDIS_SENTINELS", default=[])),
    master=env("REDIS_SENTINEL_MASTER", default=""),
    sentinel_password=env("REDIS_SENTINEL_PASSWORD", default=""),
    ca_certs=env("REDIS_TLS_CA_CERTS", default=""),
    certfile=env("REDIS_TLS_CERTFILE", default=""),
    keyfile=env("REDIS_TLS_KEYFILE", default=""),
)
REDIS_URL: str = REDIS.url
# Seconds a Redis connect or command may take before it counts as an outage (see core.safecache).
REDIS_TIMEOUT: float = env.float("REDIS_TIMEOUT", default=0.25)


def redis_cache(
    redis: RedisConnection | str,
    *,
    ignore_exceptions: bool = True,
    timeout: float = REDIS_TIMEOUT,
) -> dict[str, Any]:
    """Return a django-redis cache entry (a URL: no Sentinel, no TLS files); by default its
    errors degrade to misses."""
    redis = RedisConnection(url=redis) if isinstance(redis, str) else redis
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis.location(),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "PARSER_CLASS": "redis.connection._HiredisParser",
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
            "IGNORE_EXCEPTIONS": ignore_exceptions,
            **redis.options(timeout),
        },
        "KEY_PREFIX": "saas",
    }


def local_cache(name: str) -> dict[str, Any]:
    """Return an in-process cache entry."""
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}


# `remote_auth` is the verification cache: it sees Redis errors (core.safecache then carries on
# in-process, keeping the breaker and budget) where `default` just misses.
CACHES = {
    "default": redis_cache(REDIS) if REDIS.configured else local_cache("saas-admin"),
    "remote_auth": redis_cache(REDIS, ignore_exceptions=False)
    if REDIS.configured
    else local_cache("remote-auth"),
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- REST framework ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.RemoteJWTAuthentication",
        # Claims `Bearer sat_…`, which the class above passes on unread; before simplejwt's.
        "apps.gateway.authentication.ServiceTokenAuthentication",
        "core.authentication.LocalJWTAuthentication",
        "core.authentication.CookieAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "apps.openapi.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.errors.api_exception_handler",
    # Per client address (core.clientaddr); login_account per (account, client address).
    "DEFAULT_THROTTLE_RATES": {
        "login": env("LOGIN_THROTTLE_RATE", default="10/min"),
        "login_account": env("LOGIN_ACCOUNT_THROTTLE_RATE", default="5/min"),
        "refresh": env("REFRESH_THROTTLE_RATE", default="30/min"),
        "logout": env("LOGOUT_THROTTLE_RATE", default="30/min"),
    },
    # Per caller (apps.edge.ratelimit), off until API_RATE_LIMIT is set; views with throttles of
    # their own (login, refresh, logout, POST /api/token/) keep only those.
    "DEFAULT_THROTTLE_CLASSES": ["apps.edge.ratelimit.CallerRateThrottle"],
    "UNAUTHENTICATED_USER": None,
}
# Sustained rate per caller ("100/min"; unset: no rate limit) and the burst allowed on top of it.
API_RATE_LIMIT: str = env("API_RATE_LIMIT", default="")
API_RATE_BURST: int = env.int("API_RATE_BURST", default=50)

# --- Edge: CORS, Content-Security-Policy (apps.edge, README "Security at the edge") -------------
# Browser origins allowed to call /api/ with credentials (comma-separated); none by default.
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_headers, "x-request-id")
CORS_EXPOSE_HEADERS = ["Retry-After", "WWW-Authenticate", "X-Request-ID"]
# Origins besides this host whose unsafe cookie requests pass CSRF: a gateway's public origin.
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The HTML pages (admin, Swagger UI) load nothing from elsewhere and run no inline script; the one
# inline <style> of Swagger UI carries the request's nonce (apps/openapi/templates).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- OpenAPI (drf-spectacular): GET /api/schema/ and /api/docs/ ------------------------------
# Swagger UI and Redoc are served from drf-spectacular-sidecar's static files: nothing comes from a CDN.
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "SaaS Admin API",
    "DESCRIPTION": (
        "Organizations, memberships and subscriptions of the SaaS products. Send "
        "`Authorization: Bearer <token>` with a token of the auth server (or a local token from "
        "`POST /api/token/`) unless an operation says it is public. Every error body is "
        '`{"detail": "...", "code": "..."}`; validation errors add `errors`.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/",
    "TAGS": [
        {
            "name": "auth",
            "description": "Who am I; log in, refresh and log out at the auth server.",
        },
        {"name": "tokens", "description": "Local tokens (simplejwt) for local accounts."},
        {"name": "organizations", "description": "The caller's organizations."},
        {"name": "subscriptions", "description": "Subscriptions of the caller's organizations."},
        {"name": "operations", "description": "Health probes and metrics, for operators."},
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Several bodies have a `status` field with its own choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "apps.organizations.models.Organization.Status",
        "SubscriptionStatusEnum": "apps.subscriptions.models.Subscription.Status",
        "LivenessStatusEnum": ["ok"],
        "ReadinessStatusEnum": ["ready", "unavailable"],
        "ProbeStatusEnum": ["up", "down"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.observability.schema.document_metrics",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Local tokens (simplejwt): service accounts and break-glass admins ---------------------
LOCAL_JWT_ISSUER = "saas-admin"
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("LOCAL_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("LOCAL_REFRESH_TOKEN_DAYS", default=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("LOCAL_JWT_SIGNING_KEY", default=SECRET_KEY),
    "ISSUER": LOCAL_JWT_ISSUER,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "TOKEN_REFRESH_SERIALIZER": "apps.authentication.serializers.LocalTokenRefreshSerializer",
}

# --- Browser sign-in: /login/, /account/, the auth cookies (README "Signing in with a browser") -----
# Both cookies are HttpOnly and SameSite=Lax; production makes them Secure with a `__Host-` /
# `__Secure-` name. The refresh cookie is sent to AUTH_REFRESH_PATH only.
AUTH_COOKIE_SECURE: bool = env.bool("AUTH_COOKIE_SECURE", default=False)
AUTH_COOKIE_NAME: str = env("AUTH_COOKIE_NAME", default="saas_access")
AUTH_COOKIE_REFRESH_NAME: str = env("AUTH_COOKIE_REFRESH_NAME", default="saas_refresh")
AUTH_COOKIE_SAMESITE = "Lax"
# Opt-in sign-on across subdomains: the tokens then go to EVERY sibling subdomain of it.
AUTH_COOKIE_DOMAIN: str | None = env("AUTH_COOKIE_DOMAIN", default=None)
AUTH_COOKIE_REMEMBER_DAYS: int = env.int("AUTH_COOKIE_REMEMBER_DAYS", default=14)
AUTH_REFRESH_PATH = "/auth/refresh/"
LOGIN_URL = "/login/"
# The admin: auth-server credentials first, then local (break-glass) passwords.
AUTHENTICATION_BACKENDS = [
    "apps.browser.backends.AuthServerBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_REDIRECT_URL = "/account/"

# --- Remote auth (core) --------------------------------------------------------------------
AUTH_SERVICE_TIMEOUT: float = env.float("AUTH_SERVICE_TIMEOUT", default=3.0)
REMOTE_AUTH: dict[str, Any] = {
    "BASE_URL": env("AUTH_SERVICE_URL", default="http://localhost:4000"),
    "CONNECT_TIMEOUT": env.float("AUTH_SERVICE_CONNECT_TIMEOUT", default=1.0),
    "READ_TIMEOUT": AUTH_SERVICE_TIMEOUT,
    "HEALTH_PATH": env("AUTH_HEALTH_PATH", default="/health"),
    "CACHE_ALIAS": "remote_auth",
    "POSITIVE_TTL": env.int("AUTH_CACHE_TTL", default=60),
    "NEGATIVE_TTL": env.int("AUTH_NEGATIVE_CACHE_TTL", default=10),
    "PROVISIONING": env("AUTH_PROVISIONING", default="create"),
    # The operator's name for the auth server (production, staging): identities are keyed by it.
    "ISSUER_ID": env("AUTH_ISSUER_ID", default="local"),
    "LINK_UNVERIFIED_EMAIL": env.bool("AUTH_LINK_UNVERIFIED_EMAIL", default=False),
    "LOCAL_ISSUER": LOCAL_JWT_ISSUER,
    # Service tokens (apps.gateway) are claimed by the next class, before simplejwt's.
    "FOREIGN_TOKEN_PREFIXES": (SERVICE_TOKEN_PREFIX,),
    "ACCESS_COOKIE": AUTH_COOKIE_NAME,
    # Resilience: unset variables keep core.conf's defaults.
    **{
        key: value
        for key, value in {
            "BREAKER_THRESHOLD": env.int("AUTH_BREAKER_THRESHOLD", default=None),
            "BREAKER_COOLDOWN": env.float("AUTH_BREAKER_COOLDOWN", default=None),
            "GRACE_SECONDS": env.float("AUTH_GRACE_SECONDS", default=None),
            "BUDGET_PER_MINUTE": env.int("AUTH_UPSTREAM_BUDGET_PER_MINUTE", default=None),
            "LOCAL_CACHE_TTL": env.float("AUTH_LOCAL_CACHE_TTL", default=None),
            "RETRY_AFTER": env.int("AUTH_RETRY_AFTER", default=None),
            "JWT_SECRET": env.str("AUTH_JWT_SECRET", default=None),
            "REVOCATION_SECRET": env.str("AUTH_REVOCATION_SECRET", default=None),
            "TOKEN_FORMAT": env.str("AUTH_TOKEN_FORMAT", default=None),
            "JWT_ALGORITHMS": env.list("AUTH_JWT_ALGORITHMS", default=None),
            "REQUIRE_EXP": env.bool("AUTH_REQUIRE_EXP", default=None),
            "BUDGET_PER_CLIENT": env.int("AUTH_UPSTREAM_BUDGET_PER_CLIENT", default=None),
            "TRUSTED_PROXIES": env.list("TRUSTED_PROXIES", default=None),
            "USER_REVOCATION_TTL": env.int("AUTH_USER_REVOCATION_TTL", default=None),
            "KNOWN_USER_TTL": env.int("AUTH_KNOWN_USER_TTL", default=None),
            "VERIFY_MODE": env.str("AUTH_VERIFY_MODE", default=None),
            "JWKS_URL": env.str("AUTH_JWKS_URL", default=None),
            "JWT_ISSUER": env.str("AUTH_JWT_ISSUER", default=None),
            "JWT_AUDIENCE": env.str("AUTH_JWT_AUDIENCE", default=None),
            "JWT_LEEWAY": env.int("AUTH_JWT_LEEWAY", default=None),
            "JWKS_FETCH_PROFILE": env.bool("AUTH_JWKS_FETCH_PROFILE", default=None),
            "JWKS_PROFILE_TTL": env.int("AUTH_JWKS_PROFILE_TTL", default=None),
            "JWKS_MIN_REFRESH": env.int("AUTH_JWKS_MIN_REFRESH", default=None),
            "JWKS_MAX_AGE": env.int("AUTH_JWKS_MAX_AGE", default=None),
            "JWKS_STALE_MAX": env.int("AUTH_JWKS_STALE_MAX", default=None),
        }.items()
        if value is not None
    },
}

# --- Subscriptions ------------------------------------------------------------------------
SUBSCRIPTION_GRACE_DAYS: int = env.int("SUBSCRIPTION_GRACE_DAYS", default=7)

# --- Observability ------------------------------------------------------------------------
# /metrics answers only these client networks (404 to everyone else).
METRICS_ALLOWED_NETWORKS: list[str] = env.list(
    "METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"]
)
# Set for gunicorn with several workers; prometheus_client aggregates their metrics from here.
PROMETHEUS_MULTIPROC_DIR: str = env("PROMETHEUS_MULTIPROC_DIR", default="")

# --- Logging -------------------------------------------------------------------------------
LOG_LEVEL: str = env("LOG_LEVEL", default="INFO")
LOG_FORMAT: str = env("LOG_FORMAT", default="plain")  # plain | json
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logcontext.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "apps.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
