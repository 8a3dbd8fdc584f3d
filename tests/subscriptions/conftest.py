"""Fixtures for subscription tests: a member of organization A, and a clock stopped at will."""

from collections.abc import Callable
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Membership
from apps.subscriptions.views import SubscriptionCheckView
from tests.organizations.factories import make_membership, make_organization, make_user


@pytest.fixture
def member(db: None) -> Membership:
    """Return an active `viewer` membership of organization A."""
    return make_membership(make_user("member"), make_organization(), role="viewer")


@pytest.fixture
def member_api(api: APIClient, member: Membership) -> APIClient:
    """Return an API client authenticated as the member."""
    api.force_authenticate(user=member.user)
    return api


@pytest.fixture
def stop_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Return a function that fixes the check endpoint's idea of now."""

    def stop(at: datetime) -> None:
        monkeypatch.setattr(SubscriptionCheckView, "clock", staticmethod(lambda: at))

    return stop
