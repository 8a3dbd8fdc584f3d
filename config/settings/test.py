"""Settings for the test suite: real PostgreSQL and Redis, from DATABASE_URL / REDIS_URL.

Each run gets its own test database and Redis key prefix (TEST_RUN_ID, default the process id),
so concurrent runs on one machine never see each other's data; servers a run starts inherit it.
TEST_DATABASE_NAME overrides the database's name (default `test_saas_<TEST_RUN_ID>`).
"""

import os
from dataclasses import replace

from .base import *  # noqa: F403
from .base import REDIS, REMOTE_AUTH, env, redis_cache, with_timeouts

# A loaded CI machine can stall a healthy Redis for longer than production's 0.25 s; outage tests
# stop a private Redis (refused at once) instead of relying on a timeout.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=2.0)
TEST_RUN_ID: str = env("TEST_RUN_ID", default=str(os.getpid()))
# Creating and dropping test databases on a loaded machine can take longer than a request may.
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=60.0)
DATABASES = {
    "default": {
        **with_timeouts(
            env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test"),
            DATABASE_STATEMENT_TIMEOUT,
        ),
        # The throwaway database of this run (created and dropped by pytest); an operator running
        # the live suite may have to name one their database role is allowed to create.
        "TEST": {"NAME": env("TEST_DATABASE_NAME", default=f"test_saas_{TEST_RUN_ID}")},
    },
}
# The shared test Redis unless REDIS_URL (or Sentinel, as in tests/resilience/test_sentinel.py) says.
REDIS = replace(
    REDIS, url=env("REDIS_URL", default="" if REDIS.sentinel else "redis://127.0.0.1:6379/15")
)
REDIS_URL = REDIS.url
CACHES = {
    "default": {
        **redis_cache(REDIS, timeout=REDIS_TIMEOUT),
        "KEY_PREFIX": f"test{TEST_RUN_ID}",
    },
    "remote_auth": {
        **redis_cache(REDIS, ignore_exceptions=False, timeout=REDIS_TIMEOUT),
        "KEY_PREFIX": f"test{TEST_RUN_ID}",
    },
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests must never reach a real auth server by accident (an AUTH_SERVICE_URL exported for a
# production tunnel is ignored here); fixtures point it at the local one.
REMOTE_AUTH = {
    **REMOTE_AUTH,
    "BASE_URL": env("TEST_AUTH_SERVICE_URL", default="http://127.0.0.1:9"),
}
