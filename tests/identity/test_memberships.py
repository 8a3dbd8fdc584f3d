"""Memberships follow the auth server exactly: moved out of an organization, access goes with it."""

from typing import Any

import pytest

from apps.organizations.models import Membership, Organization
from tests.fixtures.authserver import DemoUser, LocalAuthServer
from tests.organizations.factories import make_membership

from .conftest import ACME, GLOBEX, call

pytestmark = pytest.mark.django_db

ORG_LIST = "/api/organizations/"


def detail(org: str) -> str:
    return f"/api/organizations/{org}/"


def listed(api: Any, token: str) -> set[str]:
    body = call(api, token, ORG_LIST).json()
    return {item["id"] for item in body["organizations"]}


def test_moved_out_of_an_organization_then_out_of_every_one(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.id)
    assert call(api, token, detail(ACME)).status_code == 200

    remote_auth.update_user(alice.id, org=GLOBEX)
    assert call(api, token, detail(ACME)).status_code == 404
    assert listed(api, token) == {GLOBEX}

    remote_auth.update_user(alice.id, org=None)
    assert call(api, token, detail(GLOBEX)).status_code == 404
    assert listed(api, token) == set()


def test_an_auth_server_that_says_nothing_leaves_memberships_as_they_are(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.id)
    assert call(api, token, detail(ACME)).status_code == 200

    remote_auth.configure(org_field="absent")

    assert call(api, token, detail(ACME)).status_code == 200


def test_a_membership_staff_created_here_survives_every_move(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.mint_token(alice.id)
    assert call(api, token).status_code == 200
    globex = Organization.objects.create(remote_id=GLOBEX, name="Globex")
    user = Membership.objects.get(organization__remote_id=ACME).user
    make_membership(user, globex, role="viewer", origin=Membership.Origin.LOCAL)

    remote_auth.update_user(alice.id, org=None)

    assert listed(api, token) == {GLOBEX}
