"""Settings of a foreign project: its own basics, then the block README's "Using core/ in another
project" shows. The test passes where its auth server, Redis and database are in the environment."""

import os

SECRET_KEY = "foreign-project-secret-key-0123456789abcdef-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "urls"
USE_TZ = True
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["FOREIGN_DATABASE"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Remote authentication (core/) -----------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "core",
]
MIDDLEWARE = [
    "core.middleware.DegradedAuthHeaderMiddleware",  # optional: X-Auth-Degraded on grace answers
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.authentication.RemoteJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The verification cache: shared by every process, its errors seen (core carries on in-process).
    "remote_auth": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["FOREIGN_REDIS_URL"],
        "KEY_PREFIX": os.environ["FOREIGN_KEY_PREFIX"],
        "OPTIONS": {"IGNORE_EXCEPTIONS": False, "SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    },
}
REMOTE_AUTH = {
    "BASE_URL": os.environ["FOREIGN_AUTH_URL"],
    "CACHE_ALIAS": "remote_auth",
    "ISSUER_ID": "foreign-auth",
}
