"""Liveness and readiness probes."""

import pytest
from rest_framework.test import APIClient

from apps.health.views import ReadinessView
from config.rediscache import RedisConnection
from config.settings.base import redis_cache
from tests.conftest import on_redis
from tests.fixtures.authserver import LocalAuthServer
from tests.fixtures.ports import reserved_port

pytestmark = pytest.mark.django_db


def test_liveness_needs_no_dependency(api: APIClient, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": "http://127.0.0.1:9"}

    response = api.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_each_dependency_with_latency(remote_auth, api) -> None:
    response = api.get("/health/ready")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "authServer"}
    assert all(check["status"] == "up" for check in body["checks"].values())
    assert all(check["latencyMs"] >= 0 for check in body["checks"].values())
    assert body["checks"]["authServer"]["details"]["status"] == "healthy"


def test_ready_is_degraded_not_503_with_the_auth_server_stopped(api, settings) -> None:
    server = LocalAuthServer().start()
    auth = {**settings.REMOTE_AUTH, "BASE_URL": server.url, "HEALTH_CACHE_TTL": 0}
    settings.REMOTE_AUTH = auth
    assert api.get("/health/ready").json()["status"] == "ready"

    server.stop()
    response = api.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["authServer"]["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "up"


def test_ready_is_degraded_not_503_when_the_cache_is_down(
    remote_auth, api, settings, private_redis
) -> None:
    settings.CACHES = on_redis(settings.CACHES, private_redis.url)
    private_redis.stop()

    response = api.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "down"


def test_ready_is_degraded_not_503_when_no_sentinel_answers(remote_auth, api, settings) -> None:
    silent = RedisConnection(sentinels=(f"127.0.0.1:{reserved_port()}",), master="nobody")
    settings.CACHES = {
        **settings.CACHES,
        "remote_auth": redis_cache(silent, ignore_exceptions=False, timeout=2.0),
    }

    response = api.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "down"


def test_ready_is_503_when_the_database_is_down(remote_auth, api, monkeypatch) -> None:
    def refuse() -> None:
        raise ConnectionError("database down")

    monkeypatch.setitem(ReadinessView.required, "database", refuse)

    response = api.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("profile", ["token", "usermg"])
def test_a_server_without_health_or_without_status_is_up(remote_auth, api, profile) -> None:
    remote_auth.use_profile(profile)

    check = api.get("/health/ready").json()["checks"]["authServer"]

    assert check["status"] == "up"
    assert check["details"]["httpStatus"] == (404 if profile == "token" else 200)
    assert "status" not in check["details"]


def test_a_5xx_on_the_health_path_is_down(remote_auth, api) -> None:
    remote_auth.fault("status", status=502, paths=["/health"])

    assert api.get("/health/ready").json()["checks"]["authServer"]["status"] == "down"


def test_the_health_path_is_configurable(remote_auth, api, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "HEALTH_PATH": "/api/auth/me"}

    check = api.get("/health/ready").json()["checks"]["authServer"]

    assert check["details"]["httpStatus"] == 401
    assert remote_auth.calls("GET /health") == 0


def test_auth_server_probes_are_cached_and_spend_no_budget(remote_auth, api, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BUDGET_PER_MINUTE": 1}

    for _ in range(3):
        assert api.get("/health/ready").json()["status"] == "ready"

    assert remote_auth.calls("GET /health") == 1
    token = remote_auth.mint_token("alice@acme.test")
    assert api.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
