"""Shared fixtures: real PostgreSQL and Redis (config.settings.test) and the local auth server."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from core.defaults import reset_defaults

pytest_plugins = ["tests.fixtures.authserver", "tests.fixtures.api_server"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Start every test with an empty Redis test database and fresh in-process state."""
    caches["default"].clear()
    reset_defaults()
    yield
    reset_defaults()


@pytest.fixture
def remote_auth(settings: Any, auth_server_clean: Any) -> Any:
    """Point REMOTE_AUTH at the (reset) local auth server; return the server handle."""
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": auth_server_clean.url}
    return auth_server_clean


@pytest.fixture
def api() -> APIClient:
    """Return a DRF test client (SaaS Admin in-process; the auth server over real HTTP)."""
    return APIClient()


def bearer(token: str) -> dict[str, str]:
    """Return the request header for a Bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
