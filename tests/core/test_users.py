"""Mirroring identities into local users, on real PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import UserDenied
from core.identity import Identity, Organization
from core.models import RemoteIdentity
from core.users import UserSync, derive_username, save_changes

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


# --- issuers ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_remote_id_at_two_issuers_is_two_people() -> None:
    staging = Identity(remote_id="1", email="one@staging.test")
    production = Identity(remote_id="1", email="one@production.test")

    first, _ = UserSync(issuer="staging").sync(staging)
    second, _ = UserSync(issuer="production").sync(production)
    again, created = UserSync(issuer="staging").sync(staging)

    assert first.pk != second.pk
    assert (again.pk, created) == (first.pk, False)
    assert {first.username, second.username} == {"staging:1", "production:1"}
    first.refresh_from_db()
    assert first.email == "one@staging.test"


def test_a_derived_username_fits_the_column_whatever_the_id() -> None:
    name = derive_username("production", "x" * 300, 141)

    assert len(name) <= 141
    assert name.startswith("production:")
    assert name != derive_username("production", "x" * 299, 141)


@pytest.mark.django_db
def test_a_local_user_holding_the_derived_username_gets_no_500() -> None:
    get_user_model().objects.create_user("local:r-9", email="someone@else.test")

    user, created = UserSync().sync(Identity(remote_id="r-9", email="r9@acme.test"))

    assert created
    assert user.username.startswith("local:r-9~")
    assert get_user_model().objects.count() == 2


# --- text that does not fit ------------------------------------------------------------------


@pytest.mark.django_db
def test_long_names_are_cut_and_control_characters_stripped() -> None:
    identity = Identity(
        remote_id="r-long", email="lo\x00ng@acme.test", first_name="F" * 200, last_name="La\x00st"
    )

    names = {"email": "email", "first_name": "first_name", "last_name": "last_name"}
    user, _ = UserSync(field_map=names).sync(identity)

    user.refresh_from_db()
    assert user.first_name == "F" * 150
    assert user.last_name == "Last"
    assert user.email == "long@acme.test"


# --- e-mails no two accounts share -----------------------------------------------------------


@pytest.mark.django_db
def test_an_email_another_account_holds_is_not_written() -> None:
    holder = get_user_model().objects.create_user("root", email="root@corp.test")
    user, _ = UserSync().sync(IDENTITY)

    UserSync().sync(Identity(remote_id=IDENTITY.remote_id, email="ROOT@corp.test"))

    user.refresh_from_db()
    assert user.email == "new@acme.test"
    assert holder.email == "root@corp.test"


@pytest.mark.django_db
def test_a_new_user_whose_email_another_account_holds_is_created_without_it() -> None:
    get_user_model().objects.create_user("root", email="Root@Corp.test")

    user, created = UserSync().sync(Identity(remote_id="r-2", email="root@corp.test"))

    assert created
    assert user.email == ""


@pytest.mark.django_db
def test_a_username_taken_between_the_check_and_the_insert_gets_no_500() -> None:
    get_user_model().objects.create_user("racer")  # another request's insert, after our check
    answers = iter(["racer"])

    class Racing(UserSync):
        def free_username(self, identity: Identity) -> str:
            return next(answers, None) or super().free_username(identity)

    user, created = Racing().sync(Identity(remote_id="r-race"))

    assert created
    assert user.username == "local:r-race"


@pytest.mark.django_db
def test_save_changes_writes_only_differing_fields_and_nothing_when_none_differ(
    django_assert_num_queries,
) -> None:
    user = get_user_model().objects.create(username="u", first_name="Old", last_name="Same")
    with CaptureQueriesContext(connection) as queries:
        assert save_changes(user, {"first_name": "New", "last_name": "Same"}) == ["first_name"]
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert "first_name" in updates[0]
    assert "last_name" not in updates[0]
    with django_assert_num_queries(0):
        assert save_changes(user, {"first_name": "New", "last_name": "Same"}) == []
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("New", "Same")
