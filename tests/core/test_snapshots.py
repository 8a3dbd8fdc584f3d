"""Snapshots of users and the fresh users rebuilt from them, on real PostgreSQL."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init

from core.identity import Identity
from core.snapshots import PreparedUser, snapshot
from core.users import UserSync

IDENTITY = Identity(remote_id="5f0c1c3e-0000-4000-8000-000000000001", email="new@acme.test")


@pytest.mark.django_db
def test_snapshot_rebuilds_the_user_without_a_query_and_never_saves_the_password(
    django_assert_num_queries,
) -> None:
    user, _ = UserSync().sync(IDENTITY)
    user.set_password("secret-password-1")
    user.save()
    data = snapshot(user)

    with django_assert_num_queries(0):
        rebuilt = PreparedUser(data).build()
        assert (rebuilt.pk, rebuilt.email, rebuilt.is_active) == (user.pk, "new@acme.test", True)
    assert "password" not in data
    rebuilt.first_name = "Renamed"
    rebuilt.save()
    user.refresh_from_db()
    assert user.first_name == "Renamed"
    assert user.check_password("secret-password-1")


@pytest.mark.django_db
def test_a_user_model_with_init_listeners_is_rebuilt_through_its_init(
    django_assert_num_queries,
) -> None:
    user, _ = UserSync().sync(IDENTITY)
    seen: list[Any] = []

    def listener(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(listener, sender=get_user_model())
    try:
        with django_assert_num_queries(0):
            rebuilt = PreparedUser(snapshot(user)).build()
    finally:
        post_init.disconnect(listener, sender=get_user_model())

    assert seen == [rebuilt]
    assert rebuilt.email == "new@acme.test"
    assert not rebuilt._state.adding
    assert "password" in rebuilt.get_deferred_fields()
