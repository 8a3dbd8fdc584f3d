"""Settings read from the environment, checked in fresh interpreters."""

import json
import os
import subprocess
import sys

import pytest

from .fresh import ROOT, fresh

# What the settings under test read: left out unless a test sets them.
SETTINGS_ENV = frozenset(
    {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "REDIS_URL",
        "DATABASE_URL",
        "AUTH_SERVICE_URL",
        "LOCAL_JWT_SIGNING_KEY",
        "AUTH_ISSUER_ID",
        "REDIS_SENTINELS",
        "REDIS_SENTINEL_MASTER",
        "REDIS_SENTINEL_PASSWORD",
    }
)
SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], 'db': s.DATABASES['default']"
    "['ENGINE'], 'auth': s.REMOTE_AUTH['BASE_URL'], 'hosts': s.ALLOWED_HOSTS, "
    "'issuer': s.REMOTE_AUTH['ISSUER_ID']}))"
)


def run(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Show `module`'s settings in a fresh interpreter, without the variables they are read from."""
    return fresh(module, "-c", SHOW, drop=SETTINGS_ENV.__contains__, **env)


def test_local_defaults_are_sqlite_in_process_cache_and_local_auth_server() -> None:
    result = run("config.settings.local")

    shown = json.loads(result.stdout)
    assert shown["db"] == "django.db.backends.sqlite3"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["auth"] == "http://localhost:4000"
    assert shown["issuer"] == "local"


def test_redis_url_switches_the_cache_to_redis() -> None:
    shown = json.loads(run("config.settings.local", REDIS_URL="redis://127.0.0.1:6379/3").stdout)

    assert shown["cache"] == "django_redis.cache.RedisCache"


def test_test_database_name_is_the_operators_choice() -> None:
    show = "import django; django.setup(); from django.conf import settings as s; "
    show += "print(s.DATABASES['default']['TEST']['NAME'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "TEST_RUN_ID": "77"}
    named = {**env, "TEST_DATABASE_NAME": "saas_contract_check"}

    def name(environment: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env=environment, capture_output=True,
            text=True, timeout=60, check=True,
        ).stdout.strip()  # fmt: skip

    assert name({k: v for k, v in env.items() if k != "TEST_DATABASE_NAME"}) == "test_saas_77"
    assert name(named) == "saas_contract_check"


def test_production_refuses_to_start_without_secret_key() -> None:
    result = run(
        "config.settings.production",
        ALLOWED_HOSTS="api.example.com",
        LOCAL_JWT_SIGNING_KEY="k" * 40,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run("config.settings.production", SECRET_KEY="s" * 50, LOCAL_JWT_SIGNING_KEY="k" * 40)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_without_an_auth_issuer_id() -> None:
    result = run(
        "config.settings.production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="api.example.com",
        LOCAL_JWT_SIGNING_KEY="k" * 40,
    )

    assert result.returncode != 0
    assert "AUTH_ISSUER_ID must be set" in result.stderr


def test_production_refuses_to_start_with_inconsistent_redis_settings() -> None:
    result = run(
        "config.settings.production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="api.example.com",
        LOCAL_JWT_SIGNING_KEY="k" * 40,
        AUTH_ISSUER_ID="production",
        REDIS_SENTINELS="10.0.0.1:26379,10.0.0.2",
        REDIS_SENTINEL_MASTER="mymaster",
    )

    assert result.returncode != 0
    assert "redis.E003" in result.stderr
    assert "'10.0.0.2'" in result.stderr


def test_production_starts_with_its_secrets() -> None:
    result = run(
        "config.settings.production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="api.example.com, admin.example.com",
        LOCAL_JWT_SIGNING_KEY="k" * 40,
        AUTH_SERVICE_URL="https://auth.example.com",
        AUTH_ISSUER_ID="production",
    )

    shown = json.loads(result.stdout)
    assert shown["issuer"] == "production"
    assert shown["hosts"] == ["api.example.com", "admin.example.com"]
    assert shown["auth"] == "https://auth.example.com"


@pytest.mark.parametrize(
    ("variable", "value", "needed"),
    [
        ("AUTH_CACHE_TTL", "sixty", "a whole number"),
        ("REDIS_TIMEOUT", "abc", "a number"),
        ("AUTH_COOKIE_SECURE", "ture", "true or false"),  # read as false, it would turn it off
        ("DEBUG", "maybe", "true or false"),
    ],
)
def test_a_value_that_cannot_be_read_names_its_variable_and_not_the_value(
    variable: str, value: str, needed: str
) -> None:
    result = run("config.settings.local", **{variable: value})

    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert (
        last
        == f"django.core.exceptions.ImproperlyConfigured: {variable} is set to a value that is not {needed}"
    )
    assert value not in result.stderr


@pytest.mark.parametrize("value", ["true", "False", " yes ", "off", "1", "0", ""])
def test_every_spelling_of_a_flag_is_read(value: str) -> None:
    result = run("config.settings.local", AUTH_COOKIE_SECURE=value)

    assert result.returncode == 0, result.stderr


def test_an_empty_flag_takes_its_default() -> None:
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = fresh("config.settings.local", "-c", probe, DEBUG="")  # local's default: on

    assert result.stdout.split() == ["True"], result.stderr
