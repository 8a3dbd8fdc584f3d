"""The Django admin pages of organizations, memberships and remote identities, for staff."""

import pytest
from django.test import Client

from apps.organizations.models import Membership
from core.models import RemoteIdentity

from .factories import ORG_A, ORG_B, make_membership, make_organization, make_staff, make_user

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


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(
        make_staff("organizations.view_organization", "organizations.view_membership")
    )
    return client


def test_the_admin_is_named_saas_admin(staff_client: Client) -> None:
    page = staff_client.get("/admin/").content.decode()
    assert "<title>Organizations, subscriptions and sign-in | SaaS Admin</title>" in page
    assert ">SaaS Admin</a>" in page
    assert "Django administration" not in page


def test_organizations_are_found_by_name_or_auth_server_id(staff_client: Client) -> None:
    make_organization(ORG_A, "Acme Corp")
    make_organization(ORG_B, "Globex")
    for query, found in (
        ("acme", ["Acme Corp"]),
        (ORG_B, ["Globex"]),
        ("0b8f5a52", ["Acme Corp", "Globex"]),
        ("initech", []),
    ):
        page = staff_client.get("/admin/organizations/organization/", {"q": query})
        assert [str(o) for o in page.context["cl"].result_list] == found


def test_an_organizations_members_are_shown_on_its_page(
    staff_client: Client, membership: Membership
) -> None:
    page = staff_client.get(
        f"/admin/organizations/organization/{membership.organization.pk}/change/"
    )
    [inline] = page.context["inline_admin_formsets"]
    assert [form.original for form in inline] == [membership]
    assert "remote-1" in page.content.decode()
