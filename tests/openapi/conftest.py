"""Fixtures of the OpenAPI tests: the app wired to the local auth server, a caller and their data."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from apps.organizations.models import Organization
from tests.fixtures.authserver import load_demo_users
from tests.subscriptions.factories import make_subscription

ALICE = load_demo_users()["alice"]
LOCAL_USERNAME = "openapi-service-account"
LOCAL_PASSWORD = "openapi-service-password"
REVOCATION_SECRET = "revocation-secret-for-the-openapi-tests"


@pytest.fixture
def wired(settings: Any, remote_auth: Any, transactional_db: Any) -> Any:
    """Point the app at the local auth server, with revocations on and login throttling out of
    the way (the throttle's own 429 has a test of its); return the auth server handle."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "100000/min"},
    }
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "REVOCATION_SECRET": REVOCATION_SECRET}
    return remote_auth


@pytest.fixture
def alice_token(wired: Any) -> str:
    """Return alice's access token, already verified once: her organization is mirrored and has
    a teamspace subscription, so organization and subscription calls can reach their 200s."""
    token: str = wired.login(ALICE.email, ALICE.password)["accessToken"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/auth/verify").status_code == 200
    make_subscription(Organization.objects.get(remote_id=ALICE.org), "teamspace", tier="pro")
    return token


@pytest.fixture
def local_account(transactional_db: Any) -> Any:
    """Return a local account that can obtain local tokens."""
    return get_user_model().objects.create_user(LOCAL_USERNAME, password=LOCAL_PASSWORD)
