"""Settings for the test suite: real PostgreSQL and Redis, from DATABASE_URL / REDIS_URL."""

from .base import *  # noqa: F403
from .base import REMOTE_AUTH, env, redis_cache

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test"),
}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES = {"default": redis_cache(REDIS_URL)}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests must never reach a real auth server by accident; fixtures point it at the local one.
REMOTE_AUTH = {**REMOTE_AUTH, "BASE_URL": env("AUTH_SERVICE_URL", default="http://127.0.0.1:9")}
