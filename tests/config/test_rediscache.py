"""How Redis is reached: a URL, TLS files or Sentinel, and the check that names what disagrees."""

import json
import subprocess

import pytest

from config.rediscache import (
    SENTINEL_CLIENT,
    SENTINEL_FACTORY,
    RedisConnection,
    sentinel_address,
)
from tests.config.fresh import fresh as run_fresh

SENTINELS = ("10.0.0.1:26379", "10.0.0.2:26379")


def ids(redis: RedisConnection) -> list[str]:
    return [problem.id for problem in redis.problems()]


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("10.0.0.1:26379", ("10.0.0.1", 26379)),
        (" sentinel-a:26380 ", ("sentinel-a", 26380)),
        ("[::1]:26379", ("::1", 26379)),
        ("10.0.0.1", None),
        (":26379", None),
        ("host:0", None),
        ("host:65536", None),
        ("host:port", None),
        ("redis://:secret@10.0.0.1:26379", None),
        ("user:secret@10.0.0.1:26379", None),
    ],
)
def test_sentinel_entries_are_host_and_port(entry, address) -> None:
    assert sentinel_address(entry) == address


def test_a_url_is_the_location_and_adds_no_options() -> None:
    redis = RedisConnection(url="redis://10.0.0.5:6379/2")

    assert (redis.location(), redis.options(timeout=1.0), ids(redis)) == (
        "redis://10.0.0.5:6379/2",
        {},
        [],
    )


def test_tls_files_become_connection_arguments_of_a_rediss_url() -> None:
    redis = RedisConnection(url="rediss://cache:6380/0", ca_certs="/ca.pem", certfile="/c.pem")

    assert redis.options(timeout=1.0) == {
        "CONNECTION_POOL_KWARGS": {"ssl_ca_certs": "/ca.pem", "ssl_certfile": "/c.pem"}
    }
    assert ids(redis) == []


def test_sentinel_names_the_master_and_reads_from_it_alone() -> None:
    redis = RedisConnection(url="redis://:secret@/3", sentinels=SENTINELS, master="main")

    assert redis.location() == ["redis://:secret@main/3"]
    assert redis.options(timeout=1.0) == {
        "CLIENT_CLASS": SENTINEL_CLIENT,
        "CONNECTION_FACTORY": SENTINEL_FACTORY,
        "SENTINELS": [("10.0.0.1", 26379), ("10.0.0.2", 26379)],
    }
    assert ids(redis) == []


def test_sentinel_with_rediss_speaks_tls_to_the_sentinels_and_the_master() -> None:
    redis = RedisConnection(url="rediss:///1", sentinels=SENTINELS, master="m", ca_certs="/ca")

    options = redis.options(timeout=0.5)

    assert redis.location() == ["redis://m/1"]  # the pool's own connection class does the TLS
    assert options["CONNECTION_POOL_KWARGS"] == {"ssl": True, "ssl_ca_certs": "/ca"}
    assert options["SENTINEL_KWARGS"] == {
        "ssl": True,
        "ssl_ca_certs": "/ca",
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
    }
    assert ids(redis) == []


def test_the_sentinels_own_password_goes_to_the_sentinels_alone() -> None:
    redis = RedisConnection(
        url="rediss://:master-pw@/0", sentinels=SENTINELS, master="m", sentinel_password="s-pw"
    )

    options = redis.options(timeout=0.5)

    assert redis.location() == ["redis://:master-pw@m/0"]
    assert options["SENTINEL_KWARGS"] == {
        "password": "s-pw",
        "ssl": True,
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
    }
    assert "password" not in options["CONNECTION_POOL_KWARGS"]
    assert "s-pw" not in repr(redis)  # settings are printed by diffsettings and debug pages
    assert ids(redis) == []


def test_a_sentinel_password_without_tls_keeps_the_sentinels_timeouts() -> None:
    redis = RedisConnection(sentinels=SENTINELS, master="m", sentinel_password="s-pw")

    assert redis.options(timeout=0.25)["SENTINEL_KWARGS"] == {
        "password": "s-pw",
        "socket_timeout": 0.25,
        "socket_connect_timeout": 0.25,
    }


def test_sentinel_without_a_url_uses_database_zero() -> None:
    redis = RedisConnection(sentinels=SENTINELS, master="main")

    assert (redis.location(), ids(redis)) == (["redis://main/0"], [])


@pytest.mark.parametrize(
    ("redis", "expected"),
    [
        (RedisConnection(url="http://cache:6379/0"), ["redis.E001"]),
        (RedisConnection(url="redis:///0"), ["redis.E001"]),
        (RedisConnection(url="redis://cache:port/0"), ["redis.E001"]),
        (RedisConnection(url="redis://cache:6379/0?socket_timeout=abc"), ["redis.E001"]),
        (RedisConnection(url="redis://cache:6379/0?health_check_interval=x"), ["redis.E001"]),
        (RedisConnection(sentinels=SENTINELS), ["redis.E002"]),
        (RedisConnection(master="main"), ["redis.E002"]),
        (RedisConnection(sentinels=("a:1", "b"), master="main"), ["redis.E003"]),
        (RedisConnection(sentinels=("b",)), ["redis.E002", "redis.E003"]),
        (RedisConnection(url="redis://cache/0", sentinels=SENTINELS, master="m"), ["redis.E004"]),
        (RedisConnection(url="redis://cache:6379/0", keyfile="/k.pem"), ["redis.E005"]),
        (RedisConnection(sentinels=SENTINELS, master="m", ca_certs="/ca.pem"), ["redis.E005"]),
        (RedisConnection(url="redis://c/0", sentinel_password="pw"), ["redis.E006"]),
    ],
)
def test_inconsistent_settings_are_named(redis, expected) -> None:
    assert ids(redis) == expected


def test_a_bad_sentinel_entry_is_named_without_its_credentials() -> None:
    redis = RedisConnection(sentinels=(":S3cretPW@h", "a:1"), master="main")

    (problem,) = redis.problems()

    assert problem.id == "redis.E003"
    assert "S3cretPW" not in problem.message
    assert "'…@h'" in problem.message


def test_the_url_may_name_the_master_itself() -> None:
    assert ids(RedisConnection(url="redis://main/1", sentinels=SENTINELS, master="main")) == []


def fresh(module: str, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `command` in a fresh interpreter with settings `module` and only these REDIS_* set."""
    return run_fresh(module, *command, drop=lambda name: name.startswith("REDIS_"), **env)


SHOW_CACHES = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({a: [c['LOCATION'], c['OPTIONS'].get('SENTINELS')] "
    "for a, c in s.CACHES.items()}))"
)


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.test"])
def test_the_environment_selects_sentinel_for_every_redis_cache(module) -> None:
    env = {"REDIS_SENTINELS": "127.0.0.1:26379,[::1]:26380", "REDIS_SENTINEL_MASTER": "main"}

    shown = json.loads(fresh(module, "-c", SHOW_CACHES, **env).stdout)

    sentinels = [["127.0.0.1", 26379], ["::1", 26380]]
    assert shown == {alias: [["redis://main/0"], sentinels] for alias in ("default", "remote_auth")}


def test_manage_py_check_fails_on_sentinels_without_a_master() -> None:
    result = fresh("config.settings.local", "manage.py", "check", REDIS_SENTINELS="h:26379")

    assert result.returncode != 0
    assert "redis.E002" in result.stderr
