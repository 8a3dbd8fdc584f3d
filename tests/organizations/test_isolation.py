"""Tenant isolation: a member of Acme reads nothing of Globex by any endpoint, id or parameter."""

import json

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Organization
from tests.fixtures.authserver import DemoUser, LocalAuthServer
from tests.subscriptions.factories import make_subscription

from .helpers import error, get_as

pytestmark = pytest.mark.django_db

CHECK = "/api/subscriptions/check"


@pytest.fixture
def alice_token(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> str:
    """Return Alice's (Acme) token, after Carol (Globex) and Alice were both mirrored."""
    carol, alice = demo_users["carol"], demo_users["alice"]
    carol_token = remote_auth.login(carol.email, carol.password)["accessToken"]
    assert get_as(api, "/api/organizations/", carol_token).status_code == 200
    make_subscription(Organization.objects.get(remote_id=carol.org), "autoflow", tier="globex-tier")
    access_token: str = remote_auth.login(alice.email, alice.password)["accessToken"]
    return access_token


def test_list_shows_only_the_callers_organization(
    api: APIClient, alice_token: str, demo_users: dict[str, DemoUser]
) -> None:
    body = get_as(api, "/api/organizations/", alice_token).json()
    assert [org["id"] for org in body["organizations"]] == [demo_users["alice"].org]
    assert "Globex" not in json.dumps(body)


@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/{globex}/",
        "/api/organizations/{globex}/?organizationId={globex}",
        CHECK + "?organizationId={globex}&productCode=autoflow",
        CHECK + "?organizationId={globex}&productCode=unknown-product",
        CHECK + "?organizationId={globex}",
        CHECK + "?organizationId={acme}&organizationId={globex}&productCode=autoflow",
    ],
)
def test_another_organizations_id_is_404_everywhere(
    api: APIClient, alice_token: str, demo_users: dict[str, DemoUser], path: str
) -> None:
    url = path.format(globex=demo_users["carol"].org, acme=demo_users["alice"].org)
    response = get_as(api, url, alice_token)
    assert error(response) == (404, "not_found")
    assert "globex" not in response.content.decode().lower()


def test_own_id_in_the_url_never_reads_another_organization(
    api: APIClient, alice_token: str, demo_users: dict[str, DemoUser]
) -> None:
    acme, globex = demo_users["alice"].org, demo_users["carol"].org
    body = get_as(api, f"/api/organizations/{acme}/?organizationId={globex}", alice_token)
    assert (body.json()["id"], body.json()["subscriptions"]) == (acme, [])


def test_check_of_own_organization_never_sees_another_organizations_subscription(
    api: APIClient, alice_token: str, demo_users: dict[str, DemoUser]
) -> None:
    acme = demo_users["alice"].org
    body = get_as(api, f"{CHECK}?organizationId={acme}&productCode=autoflow", alice_token)
    assert (body.json()["hasActiveSubscription"], body.json()["subscription"]) == (False, None)
