"""Mirroring identities into local users, on real PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core.identity import Identity, Organization
from core.models import RemoteIdentity
from core.users import UserDenied, UserSync, from_snapshot, snapshot

IDENTITY = Identity(
    remote_id="5f0c1c3e-0000-4000-8000-000000000001",
    email="new@acme.test",
    first_name="New",
    last_name="Person",
    organization=Organization(id="org-1", name="Acme"),
)


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_first_syncs_create_exactly_one_user() -> None:
    barrier = threading.Barrier(50)

    def first_request() -> int:
        try:
            barrier.wait()
            user, _ = UserSync().sync(IDENTITY)
            return int(user.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=50) as pool:
        user_ids = set(pool.map(lambda _: first_request(), range(50)))

    assert len(user_ids) == 1
    assert get_user_model().objects.count() == 1
    assert RemoteIdentity.objects.count() == 1


@pytest.mark.django_db
def test_unchanged_identity_writes_nothing(django_assert_num_queries) -> None:
    UserSync().sync(IDENTITY)

    with django_assert_num_queries(1):  # the lookup only
        UserSync().sync(IDENTITY)


@pytest.mark.django_db
def test_privilege_flags_are_never_set_from_remote_data() -> None:
    admin = Identity(remote_id="r-1", email="a@b.c", role="admin", email_verified=True)
    mapping = {"email": "email", "is_staff": "role", "is_superuser": "email_verified"}

    user, created = UserSync(field_map=mapping).sync(admin)

    user.refresh_from_db()
    assert created
    assert user.is_staff is False
    assert user.is_superuser is False


@pytest.mark.django_db
def test_link_email_refuses_an_ambiguous_match() -> None:
    model = get_user_model()
    model.objects.create_user("one", email="new@acme.test")
    model.objects.create_user("two", email="NEW@acme.test")

    with pytest.raises(UserDenied):
        UserSync(provisioning="link_email").sync(IDENTITY)


@pytest.mark.django_db
def test_deny_refuses_unknown_but_updates_known_users() -> None:
    UserSync().sync(IDENTITY)

    _user, created = UserSync(provisioning="deny").sync(IDENTITY)

    assert not created
    with pytest.raises(UserDenied):
        UserSync(provisioning="deny").sync(Identity(remote_id="someone-else"))


@pytest.mark.django_db
def test_snapshot_rebuilds_the_user_without_a_query_and_never_saves_the_password(
    django_assert_num_queries,
) -> None:
    user, _ = UserSync().sync(IDENTITY)
    user.set_password("secret-password-1")
    user.save()
    data = snapshot(user)

    with django_assert_num_queries(0):
        rebuilt = from_snapshot(data)
        assert (rebuilt.pk, rebuilt.email, rebuilt.is_active) == (user.pk, "new@acme.test", True)
    assert "password" not in data
    rebuilt.first_name = "Renamed"
    rebuilt.save()
    user.refresh_from_db()
    assert user.first_name == "Renamed"
    assert user.check_password("secret-password-1")
