"""GET /api/organizations/ and /api/organizations/<id>/ for members, others and bad ids."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Membership
from apps.subscriptions.views import OrganizationDetailView
from tests.subscriptions.factories import NOW, make_subscription

from .factories import ORG_A, ORG_B, make_membership, make_organization, make_user
from .helpers import error

pytestmark = pytest.mark.django_db


def test_list_shows_the_callers_active_organizations(
    member_api: APIClient, member: Membership
) -> None:
    make_membership(member.user, make_organization(ORG_B, "Org B"), is_active=False)
    make_membership(make_user("other"), make_organization("org-c", "Org C"))
    response = member_api.get("/api/organizations/")
    assert response.status_code == 200
    assert response.json() == {
        "organizations": [{"id": ORG_A, "name": "Org A", "role": "user", "status": "active"}]
    }


def test_list_shows_a_suspended_organization_as_suspended(
    member_api: APIClient, member: Membership
) -> None:
    member.organization.status = "suspended"
    member.organization.save()
    assert member_api.get("/api/organizations/").json()["organizations"][0]["status"] == (
        "suspended"
    )


def test_list_is_empty_for_a_caller_without_organizations(api: APIClient) -> None:
    api.force_authenticate(user=make_user("loner"))
    assert api.get("/api/organizations/").json() == {"organizations": []}


@pytest.mark.parametrize("path", ["/api/organizations/", f"/api/organizations/{ORG_A}/"])
def test_anonymous_caller_is_401(api: APIClient, member: Membership, path: str) -> None:
    assert error(api.get(path)) == (401, "not_authenticated")


def test_detail_shows_role_and_subscriptions(
    member_api: APIClient, member: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OrganizationDetailView, "clock", staticmethod(lambda: NOW))
    make_subscription(member.organization, "teamspace", tier="pro", max_users=10, storage_gb=50)
    make_subscription(member.organization, "buildeasy", "cancelled")
    response = member_api.get(f"/api/organizations/{ORG_A}/")
    assert response.status_code == 200
    body = response.json()
    summary = {key: body[key] for key in ("id", "name", "role", "status")}
    assert summary == {"id": ORG_A, "name": "Org A", "role": "user", "status": "active"}
    assert body["authServer"] is None  # not authenticated by the auth server
    assert [(s["productCode"], s["status"], s["isActive"]) for s in body["subscriptions"]] == [
        ("buildeasy", "cancelled", False),
        ("teamspace", "active", True),
    ]
    teamspace = body["subscriptions"][1]
    assert teamspace["expiresAt"] == teamspace["currentPeriodEnd"] == "2030-01-31T23:59:59Z"
    assert teamspace["limits"] == {"maxUsers": 10, "storageGb": 50}


def test_detail_does_not_list_another_organizations_subscriptions(
    member_api: APIClient, member: Membership
) -> None:
    make_subscription(make_organization(ORG_B, "Org B"), "autoflow")
    assert member_api.get(f"/api/organizations/{ORG_A}/").json()["subscriptions"] == []


def test_detail_of_a_non_member_looks_like_an_unknown_organization(
    member_api: APIClient, member: Membership
) -> None:
    make_organization(ORG_B, "Org B")
    other = member_api.get(f"/api/organizations/{ORG_B}/")
    unknown = member_api.get("/api/organizations/does-not-exist/")
    assert error(other) == (404, "not_found")
    assert other.json() == unknown.json()


@pytest.mark.parametrize("bad_id", ["bad%20id", "-x", "%C3%A9", "a" * 255, "semi;colon", "a%00b"])
def test_malformed_id_is_400_not_500(member_api: APIClient, member: Any, bad_id: str) -> None:
    assert error(member_api.get(f"/api/organizations/{bad_id}/")) == (400, "invalid_id")
