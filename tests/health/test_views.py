"""Liveness and readiness probes."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import on_redis
from tests.fixtures.authserver import LocalAuthServer

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


def test_ready_is_503_with_the_auth_server_stopped(api, settings) -> None:
    server = LocalAuthServer().start()
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": server.url}
    assert api.get("/health/ready").status_code == 200

    server.stop()
    response = api.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["authServer"]["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "up"


def test_ready_is_503_when_the_cache_is_down(remote_auth, api, settings, private_redis) -> None:
    settings.CACHES = on_redis(settings.CACHES, private_redis.url)
    private_redis.stop()

    response = api.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "down"
