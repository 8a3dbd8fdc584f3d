"""The stores the benchmark uses: a dedicated PostgreSQL database and a dedicated Redis db number.

Both must already answer on loopback (`bash .ci/services` starts them). Each run creates its own
database (`<name>_<pid>`), migrates it and drops it at the end, so runs never share rows or
migration states; in the Redis db, a run deletes its own keys before and after.
"""

import os
from contextlib import ExitStack
from dataclasses import dataclass

import psycopg
import redis
from psycopg import sql

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Stores:
    """Where the benchmark keeps its data."""

    database: str = "bench"
    redis_db: int = 14

    @property
    def run_database(self) -> str:
        """Return the name of this run's own database."""
        return f"{self.database}_{os.getpid()}"

    @property
    def database_url(self) -> str:
        """Return the URL of this run's database."""
        return f"postgres://postgres@{HOST}:5432/{self.run_database}"

    @property
    def redis_url(self) -> str:
        """Return the URL of the benchmark's Redis db."""
        return f"redis://{HOST}:6379/{self.redis_db}"

    def django_env(self, auth_url: str) -> dict[str, str]:
        """Return the environment the bench settings read, in this process and in gunicorn's."""
        return {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "AUTH_SERVICE_URL": auth_url,
            "AUTH_ISSUER_ID": run_issuer(auth_url),
            "DEBUG": "0",
        }


def run_issuer(auth_url: str) -> str:
    """Return this run's issuer id: its own auth server, so its own cache namespace."""
    return f"bench {auth_url}"


def fresh_database(stores: Stores, stack: ExitStack) -> None:
    """Create this run's empty database; `stack` drops it when the run ends, however it ends."""
    _admin(stores, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin(stores, "CREATE DATABASE {}")
    stack.callback(_drop_database, stores)


def _drop_database(stores: Stores) -> None:
    from django.db import connections

    connections.close_all()
    _admin(stores, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _admin(stores: Stores, statement: str) -> None:
    maintenance = f"postgresql://postgres@{HOST}:5432/postgres"
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(stores.run_database)))


def forget_run_keys(stores: Stores, auth_url: str) -> int:
    """Delete this run's keys from the bench Redis db; return how many there were.

    Every key the adapter writes is namespaced by the issuer id, and each run starts its own auth
    server on a free port under its own issuer (`run_issuer`): deleting that namespace, rather
    than flushing the db, leaves alone a run going on beside this one (two test suites' smoke
    tests, say).
    """
    from core.conf import remote_auth_settings
    from core.state import namespace_for

    pattern = f"*{remote_auth_settings.CACHE_PREFIX}:{namespace_for(run_issuer(auth_url))}:*"
    client = redis.Redis.from_url(stores.redis_url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            client.unlink(*keys[start : start + 1000])
    finally:
        client.close()
    return len(keys)


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the bench settings and migrate the database."""
    import django
    from django.core.management import call_command

    os.environ.update(env)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def describe_stores(stores: Stores) -> str:
    """Return the PostgreSQL and Redis versions and where the benchmark keeps its data."""
    maintenance = f"postgresql://postgres@{HOST}:5432/postgres"
    with psycopg.connect(maintenance, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    client = redis.Redis.from_url(stores.redis_url, socket_timeout=5)
    try:
        redis_version = client.info("server").get("redis_version", "?")
    finally:
        client.close()
    pg_version = str(row[0]).split()[0] if row else "?"
    return (
        f"PostgreSQL {pg_version} (database `{stores.database}`) · "
        f"Redis {redis_version} (db {stores.redis_db}, this run's keys deleted before and after)"
    )
