"""Mirroring an Identity's organization and membership, called as the signal receiver is."""

from typing import Any

import pytest

from apps.organizations.mirroring import mirror_membership
from apps.organizations.models import Membership, Organization
from core.authentication import RemoteJWTAuthentication
from core.signals import identity_verified

from .factories import ORG_A, ORG_B, make_identity, make_membership, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> Any:
    return make_user("remote-user-1")


def test_first_verification_creates_organization_and_membership(user: Any) -> None:
    membership = mirror_membership(user, make_identity(role="admin"))
    assert membership is not None
    org = Organization.objects.get()
    assert (org.remote_id, org.name, org.status) == (ORG_A, "Org A", "active")
    assert (membership.organization, membership.role, membership.is_active) == (org, "admin", True)


def test_new_membership_without_a_known_role_is_user(user: Any) -> None:
    membership = mirror_membership(user, make_identity(role="member"))
    assert membership is not None
    assert membership.role == "user"


def test_signal_receiver_mirrors_the_membership(user: Any) -> None:
    identity_verified.send(
        sender=RemoteJWTAuthentication, user=user, identity=make_identity(), created=True
    )
    assert Membership.objects.get(user=user).organization.remote_id == ORG_A


def test_unchanged_identity_costs_one_query_and_writes_nothing(
    user: Any, django_assert_num_queries: Any
) -> None:
    identity = make_identity(role="admin")
    mirror_membership(user, identity)
    org_stamp = Organization.objects.get().updated_at
    membership_stamp = Membership.objects.get().updated_at
    with django_assert_num_queries(1):
        mirror_membership(user, identity)
    assert Organization.objects.get().updated_at == org_stamp
    assert Membership.objects.get().updated_at == membership_stamp


def test_new_member_joins_an_existing_organization(user: Any) -> None:
    org = make_organization(name="Org A")
    membership = mirror_membership(user, make_identity())
    assert membership is not None
    assert membership.organization == org
    assert Organization.objects.count() == 1


def test_rename_at_auth_server_updates_the_name(user: Any) -> None:
    mirror_membership(user, make_identity(org_name="Org A"))
    mirror_membership(user, make_identity(org_name="Org A Renamed"))
    assert Organization.objects.get().name == "Org A Renamed"


@pytest.mark.parametrize("missing", [None, ""])
def test_missing_name_never_blanks_a_stored_one(user: Any, missing: str | None) -> None:
    mirror_membership(user, make_identity(org_name="Org A"))
    mirror_membership(user, make_identity(org_name=missing))
    assert Organization.objects.get().name == "Org A"


def test_name_first_seen_later_fills_a_blank_one(user: Any) -> None:
    mirror_membership(user, make_identity(org_name=None))
    assert Organization.objects.get().name == ""
    mirror_membership(user, make_identity(org_name="Org A"))
    assert Organization.objects.get().name == "Org A"


def test_known_role_from_auth_server_replaces_the_stored_role(user: Any) -> None:
    make_membership(user, make_organization(), role="viewer")
    mirror_membership(user, make_identity(role="Manager"))
    assert Membership.objects.get().role == "manager"


@pytest.mark.parametrize("role", [None, "member", "superuser"])
def test_unknown_or_missing_role_keeps_the_stored_role(user: Any, role: str | None) -> None:
    make_membership(user, make_organization(), role="admin")
    mirror_membership(user, make_identity(role=role))
    assert Membership.objects.get().role == "admin"


def test_move_to_another_organization_deactivates_the_old_membership(user: Any) -> None:
    mirror_membership(user, make_identity(org_id=ORG_A))
    current = mirror_membership(user, make_identity(org_id=ORG_B, org_name="Org B"))
    assert current is not None
    assert current.organization.remote_id == ORG_B
    states = dict(Membership.objects.values_list("organization__remote_id", "is_active"))
    assert states == {ORG_A: False, ORG_B: True}


def test_move_back_reactivates_the_old_membership(user: Any) -> None:
    mirror_membership(user, make_identity(org_id=ORG_A))
    mirror_membership(user, make_identity(org_id=ORG_B))
    mirror_membership(user, make_identity(org_id=ORG_A))
    states = dict(Membership.objects.values_list("organization__remote_id", "is_active"))
    assert states == {ORG_A: True, ORG_B: False}


def test_other_users_memberships_are_untouched(user: Any) -> None:
    other = make_membership(make_user("other"), make_organization())
    mirror_membership(user, make_identity(org_id=ORG_B))
    other.refresh_from_db()
    assert other.is_active


def test_identity_without_organization_changes_nothing(user: Any) -> None:
    existing = make_membership(user, make_organization())
    assert mirror_membership(user, make_identity(org_id=None)) is None
    existing.refresh_from_db()
    assert existing.is_active
    assert Organization.objects.count() == 1


def test_malformed_organization_id_removes_mirrored_memberships_and_is_logged(
    user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    existing = make_membership(user, make_organization())
    assert mirror_membership(user, make_identity(org_id="not an id/")) is None
    existing.refresh_from_db()
    assert not existing.is_active
    assert Organization.objects.count() == 1
    assert "ignored malformed organization id of remote user remote-user-1" in caplog.text


def test_explicit_no_organization_removes_every_mirrored_membership(user: Any) -> None:
    mirror_membership(user, make_identity(org_id=ORG_A))
    make_membership(user, make_organization(ORG_B, "Org B"), is_active=True)

    assert mirror_membership(user, make_identity(org_id=None, stated=True)) is None

    assert not Membership.objects.filter(user=user, is_active=True).exists()


def test_memberships_staff_created_here_are_never_touched(user: Any) -> None:
    local_b = make_membership(
        user, make_organization(ORG_B, "Org B"), role="viewer", origin="local"
    )
    mirror_membership(user, make_identity(org_id=ORG_A))
    mirror_membership(user, make_identity(org_id=None, stated=True))
    kept = mirror_membership(user, make_identity(org_id=ORG_B, role="admin"))

    local_b.refresh_from_db()
    assert kept == local_b
    assert (local_b.is_active, local_b.role, local_b.origin) == (True, "viewer", "local")
    states = dict(Membership.objects.values_list("organization__remote_id", "is_active"))
    assert states == {ORG_A: False, ORG_B: True}


def test_a_new_mirrored_membership_is_marked_as_from_the_auth_server(user: Any) -> None:
    membership = mirror_membership(user, make_identity())

    assert membership is not None
    assert membership.origin == "auth_server"
