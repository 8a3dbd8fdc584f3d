"""Organization changes at the auth server reach SaaS Admin on the next verified request.

The local auth server runs over real HTTP; a changed user needs a new token, since a verified
token is served from cache without asking the auth server again.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Membership, Organization
from tests.fixtures.authserver import DemoUser, LocalAuthServer

from .helpers import error, get_as

pytestmark = pytest.mark.django_db

GLOBEX = "767670f4-8ab1-4904-9d50-1069848bbd41"


def token(server: LocalAuthServer, user: DemoUser) -> str:
    """Return a fresh access token for a demo user."""
    access_token: str = server.login(user.email, user.password)["accessToken"]
    return access_token


def organizations(api: APIClient, access_token: str) -> Any:
    """Return the caller's organizations as the API lists them."""
    response = get_as(api, "/api/organizations/", access_token)
    assert response.status_code == 200
    return response.json()["organizations"]


def test_first_request_mirrors_the_organization_and_role(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    assert organizations(api, token(remote_auth, alice)) == [
        {"id": alice.org, "name": "Acme Corp", "role": "admin", "status": "active"}
    ]


def test_auth_server_role_outside_ours_gives_a_new_member_the_user_role(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    assert organizations(api, token(remote_auth, demo_users["bob"]))[0]["role"] == "user"


def test_detail_shows_the_auth_servers_licenses_for_information(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    body = get_as(api, f"/api/organizations/{alice.org}/", token(remote_auth, alice)).json()
    assert body["authServer"]["products"] == ["buildeasy", "teamspace"]
    assert body["authServer"]["licenses"]["buildeasy"]["tier"] == "pro"
    assert body["subscriptions"] == []  # licenses there never become subscriptions here


def test_rename_at_auth_server_reaches_the_next_verified_request(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    organizations(api, token(remote_auth, alice))
    remote_auth.update_user(alice.id, organization={"id": alice.org, "name": "Acme Renamed"})
    assert organizations(api, remote_auth.mint_token(alice.id))[0]["name"] == "Acme Renamed"
    assert Organization.objects.get(remote_id=alice.org).name == "Acme Renamed"


def test_user_moved_to_another_organization_loses_the_old_one(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    old_token = token(remote_auth, alice)
    organizations(api, old_token)
    remote_auth.update_user(alice.id, org=GLOBEX)
    new_token = remote_auth.mint_token(alice.id)
    assert [org["id"] for org in organizations(api, new_token)] == [GLOBEX]
    assert not Membership.objects.get(organization__remote_id=alice.org).is_active
    for access_token in (new_token, old_token):  # the cached old token loses access too
        response = get_as(api, f"/api/organizations/{alice.org}/", access_token)
        assert error(response) == (404, "not_found")


def test_repeated_verification_of_an_unchanged_user_writes_nothing(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice = demo_users["alice"]
    organizations(api, token(remote_auth, alice))
    stamps = (Organization.objects.get().updated_at, Membership.objects.get().updated_at)
    calls = remote_auth.calls("GET /api/auth/me")
    organizations(api, remote_auth.mint_token(alice.id))
    assert remote_auth.calls("GET /api/auth/me") == calls + 1  # really verified again
    assert (Organization.objects.get().updated_at, Membership.objects.get().updated_at) == stamps


@pytest.mark.parametrize("edit", ["deactivate", "demote", "delete"])
def test_a_staff_edit_of_a_mirrored_membership_is_mirrored_again_by_the_next_token(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser], edit: str
) -> None:
    # Alice is known (two tokens seen: the second answered from her known-user snapshot).
    alice = demo_users["alice"]
    organizations(api, token(remote_auth, alice))
    organizations(api, token(remote_auth, alice))
    membership = Membership.objects.get(user__email=alice.email, organization__remote_id=alice.org)
    if edit == "delete":
        membership.delete()
    else:
        membership.is_active = edit != "deactivate"
        membership.role = "viewer" if edit == "demote" else membership.role
        membership.save()

    # The auth server still says admin of Acme Corp: the next token mirrors that again.
    assert organizations(api, token(remote_auth, alice)) == [
        {"id": alice.org, "name": "Acme Corp", "role": "admin", "status": "active"}
    ]
