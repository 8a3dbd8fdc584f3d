"""The Django admin pages of organizations, memberships and remote identities, for staff."""

import pytest
from django.test import Client

from apps.organizations.models import Membership
from core.models import RemoteIdentity

from .factories import make_membership, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership() -> Membership:
    return make_membership(make_user("remote-1"), make_organization(), role="admin")


@pytest.fixture
def remote_identity(membership: Membership) -> RemoteIdentity:
    return RemoteIdentity.objects.create(
        user=membership.user, remote_id="remote-1", email="alice@acme.test", organization_id="org"
    )


@pytest.mark.parametrize("model", ["organization", "membership"])
def test_changelist_and_add_pages_render(
    admin_client: Client, membership: Membership, model: str
) -> None:
    assert admin_client.get(f"/admin/organizations/{model}/").status_code == 200
    assert admin_client.get(f"/admin/organizations/{model}/add/").status_code == 200


def test_change_pages_render(admin_client: Client, membership: Membership) -> None:
    for url in (
        f"/admin/organizations/organization/{membership.organization.pk}/change/",
        f"/admin/organizations/membership/{membership.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200


def test_remote_id_is_editable_only_when_adding(
    admin_client: Client, membership: Membership
) -> None:
    change = admin_client.get(
        f"/admin/organizations/organization/{membership.organization.pk}/change/"
    )
    add = admin_client.get("/admin/organizations/organization/add/")
    assert "remote_id" not in change.context["adminform"].form.fields
    assert "remote_id" in add.context["adminform"].form.fields


def test_remote_identities_are_listed_and_shown_read_only(
    admin_client: Client, remote_identity: RemoteIdentity
) -> None:
    assert admin_client.get("/admin/core/remoteidentity/").status_code == 200
    page = admin_client.get(f"/admin/core/remoteidentity/{remote_identity.pk}/change/")
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert admin_client.get("/admin/core/remoteidentity/add/").status_code == 403


@pytest.mark.parametrize("query", ["alice@acme.test", "remote-1"])
def test_remote_identities_are_found_by_email_or_remote_id(
    admin_client: Client, remote_identity: RemoteIdentity, query: str
) -> None:
    response = admin_client.get("/admin/core/remoteidentity/", {"q": query})
    assert response.context["cl"].result_count == 1
    assert (
        admin_client.get("/admin/core/remoteidentity/", {"q": "nobody"}).context["cl"].result_count
        == 0
    )
