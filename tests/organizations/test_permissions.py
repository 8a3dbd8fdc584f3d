"""The organization-scoped permission classes, on small views built for the test."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

from apps.organizations.models import Membership
from apps.organizations.permissions import (
    HasOrganizationRole,
    IsOrganizationMember,
    current_membership,
)

from .factories import ORG_A, ORG_B, make_membership, make_organization, make_user
from .helpers import error

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


class EchoView(APIView):
    """Answer with the organization and role the permission granted."""

    permission_classes = [IsOrganizationMember]

    def get(self, request: Request, **kwargs: Any) -> Response:
        membership = current_membership(request)
        return Response({"org": membership.organization.remote_id, "role": membership.role})


def call(view: Any, user: Any = None, query: str = "", **kwargs: str) -> Response:
    """Run `view` on a GET with `query`, authenticated as `user` when given."""
    request = factory.get(f"/anything{query}")
    if user is not None:
        force_authenticate(request, user=user)
    response: Response = view(request, **kwargs)
    response.render()
    return response


def test_member_is_granted_by_url_kwarg(member: Membership) -> None:
    response = call(EchoView.as_view(), member.user, organization_id=ORG_A)
    assert (response.status_code, response.data) == (200, {"org": ORG_A, "role": "user"})


def test_member_is_granted_by_query_parameter(member: Membership) -> None:
    response = call(EchoView.as_view(), member.user, query=f"?organizationId={ORG_A}")
    assert response.status_code == 200


def test_url_kwarg_wins_over_query_parameter(member: Membership) -> None:
    make_membership(member.user, make_organization(ORG_B, "Org B"))
    response = call(
        EchoView.as_view(), member.user, f"?organizationId={ORG_B}", organization_id=ORG_A
    )
    assert response.data["org"] == ORG_A


def test_views_can_rename_where_the_id_comes_from(member: Membership) -> None:
    class Renamed(EchoView):
        organization_url_kwarg = "org"
        organization_query_param = "tenant"

    assert call(Renamed.as_view(), member.user, org=ORG_A).status_code == 200
    assert call(Renamed.as_view(), member.user, f"?tenant={ORG_A}").status_code == 200


def test_anonymous_caller_is_401() -> None:
    response = call(EchoView.as_view(), None, organization_id=ORG_A)
    assert response.status_code == 401


@pytest.mark.parametrize("query", ["", "?organizationId=", "?organizationId=%20%20"])
def test_missing_organization_id_is_400(member: Membership, query: str) -> None:
    assert error(call(EchoView.as_view(), member.user, query)) == (400, "missing_parameter")


def test_malformed_organization_id_is_400(member: Membership) -> None:
    response = call(EchoView.as_view(), member.user, organization_id="bad id")
    assert error(response) == (400, "invalid_id")


def test_non_member_and_unknown_organization_get_the_same_404(member: Membership) -> None:
    make_organization(ORG_B, "Org B")
    other = call(EchoView.as_view(), member.user, organization_id=ORG_B)
    unknown = call(EchoView.as_view(), member.user, organization_id="no-such-org")
    assert error(other) == error(unknown) == (404, "not_found")
    assert other.data == unknown.data


def test_inactive_membership_grants_nothing(member: Membership) -> None:
    Membership.objects.filter(pk=member.pk).update(is_active=False)
    response = call(EchoView.as_view(), member.user, organization_id=ORG_A)
    assert error(response) == (404, "not_found")


def test_suspended_organization_grants_nothing(member: Membership) -> None:
    member.organization.status = "suspended"
    member.organization.save()
    response = call(EchoView.as_view(), member.user, organization_id=ORG_A)
    assert error(response) == (403, "organization_suspended")


@pytest.mark.parametrize(
    ("role", "status"),
    [("viewer", 403), ("user", 403), ("manager", 200), ("admin", 200), ("owner", 200)],
)
def test_role_at_least_manager_is_required(role: str, status: int) -> None:
    class ManagersOnly(EchoView):
        permission_classes = [HasOrganizationRole("manager")]

    membership = make_membership(make_user(), make_organization(), role=role)
    response = call(ManagersOnly.as_view(), membership.user, organization_id=ORG_A)
    assert response.status_code == status
    if status == 403:
        assert response.data["code"] == "insufficient_role"


def test_unknown_role_name_is_refused_at_definition() -> None:
    with pytest.raises(ValueError, match="unknown organization role"):
        HasOrganizationRole("superhero")


def test_local_service_account_is_a_member_only_through_a_membership(api: Any) -> None:
    account = make_user("service-account")
    token = str(AccessToken.for_user(account))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert api.get(f"/api/organizations/{ORG_A}/", **headers).status_code == 404
    make_membership(account, make_organization())
    assert api.get(f"/api/organizations/{ORG_A}/", **headers).status_code == 200


def test_membership_cannot_be_read_where_no_permission_granted_one() -> None:
    with pytest.raises(ImproperlyConfigured, match="IsOrganizationMember"):
        current_membership(Request(factory.get("/anything")))
