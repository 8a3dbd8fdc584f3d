"""Fixtures for organization tests: a member of organization A and an API client acting as them."""

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Membership

from .factories import make_membership, make_organization, make_user


@pytest.fixture
def member(db: None) -> Membership:
    """Return an active `user` membership of organization A."""
    return make_membership(make_user("member"), make_organization())


@pytest.fixture
def member_api(api: APIClient, member: Membership) -> APIClient:
    """Return an API client authenticated as the member."""
    api.force_authenticate(user=member.user)
    return api
