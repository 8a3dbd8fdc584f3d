"""Whatever the auth server sends about a user, mirroring answers without a 500."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from core.models import RemoteIdentity
from core.wiring import default_cache
from tests.conftest import bearer
from tests.fixtures.authserver import DemoUser, LocalAuthServer
from tests.resilience.helpers import garbage_token

from .conftest import VERIFY, call

pytestmark = pytest.mark.django_db

ME = "GET /api/auth/me"


def test_names_over_the_limits_and_nul_characters_are_cleaned(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    bob = demo_users["bob"]
    remote_auth.update_user(
        bob.id, first_name="F" * 200, last_name="Bro\u0000wn", email="b\u0000ob@acme.test"
    )

    response = call(api, remote_auth.mint_token(bob.id))

    assert response.status_code == 200
    user = RemoteIdentity.objects.get(remote_id=bob.id).user
    assert (user.first_name, user.last_name, user.email) == ("F" * 150, "Brown", "bob@acme.test")


def test_a_cleaned_email_is_shown_but_never_links(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser], settings: Any
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "link_email"}
    pat = get_user_model().objects.create_user("pat", "pat@corp.test")
    bob = demo_users["bob"]
    remote_auth.update_user(bob.id, email="pat\u0000@corp.test", email_verified=True)

    response = call(api, remote_auth.mint_token(bob.id))

    assert response.status_code == 200
    assert RemoteIdentity.objects.get(remote_id=bob.id).user_id != pat.pk


def test_a_local_user_holding_the_derived_username_gets_no_500(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    bob = demo_users["bob"]
    # Usernames were once the bare remote id; today they are `issuer:remote id`.
    squatters = [
        get_user_model().objects.create_user(name, f"squatter{n}@corp.test").pk
        for n, name in enumerate([bob.id, f"local:{bob.id}"])
    ]

    response = call(api, remote_auth.mint_token(bob.id))

    assert response.status_code == 200
    assert RemoteIdentity.objects.get(remote_id=bob.id).user_id not in squatters


def test_a_deny_refusal_is_remembered_and_replayed(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser], settings: Any
) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "deny"}
    token = remote_auth.mint_token(demo_users["bob"].id)
    remote_auth.reset_calls()

    first = api.get(VERIFY, **bearer(token))
    second = api.get(VERIFY, **bearer(token))  # from this process's memory
    default_cache().clear_local()
    third = api.get(VERIFY, **bearer(token))  # from Redis, as another instance would

    assert [r.status_code for r in (first, second, third)] == [403, 403, 403]
    assert {r.json()["code"] for r in (first, second, third)} == {"user_not_provisioned"}
    assert remote_auth.calls(ME) == 1


def test_an_email_moving_between_users_never_sits_on_two_accounts(
    api: Any, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    alice, bob = demo_users["alice"], demo_users["bob"]
    alice_token, bob_token = remote_auth.mint_token(alice.id), remote_auth.mint_token(bob.id)
    assert call(api, alice_token).status_code == 200
    remote_auth.update_user(alice.id, email="alice.new@acme.test")
    remote_auth.update_user(bob.id, email=alice.email)

    assert call(api, bob_token).status_code == 200  # alice's account here still holds it
    assert emails() == {alice.id: alice.email, bob.id: ""}

    assert call(api, alice_token).status_code == 200
    assert call(api, bob_token).status_code == 200
    assert emails() == {alice.id: "alice.new@acme.test", bob.id: alice.email}


def emails() -> dict[str, str]:
    links = RemoteIdentity.objects.select_related("user")
    return {link.remote_id: link.user.email for link in links}


@pytest.mark.parametrize("remote_id", ["abc\u0000def", "x\ud800", "\u0085"])
def test_a_user_id_that_cannot_be_stored_is_503_never_500(
    api: Any, settings: Any, fixed_upstream: Any, remote_id: str
) -> None:
    me = {"success": True, "data": {"user": {"sub": remote_id, "email": "x@y.test"}}}
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": fixed_upstream(me)}

    response = call(api, garbage_token())

    assert response.status_code == 503
    assert response.json()["code"] == "auth_service_unavailable"
    assert not RemoteIdentity.objects.exists()


def test_lone_surrogates_in_names_and_emails_are_cleaned(
    api: Any, settings: Any, fixed_upstream: Any
) -> None:
    user = {"sub": "u1", "email": "a\ud800@y.test", "firstName": "An\udfffn", "lastName": "\ud800"}
    settings.REMOTE_AUTH = {
        **settings.REMOTE_AUTH,
        "BASE_URL": fixed_upstream({"success": True, "data": {"user": user}}),
    }

    response = call(api, garbage_token())

    assert response.status_code == 200
    mirrored = RemoteIdentity.objects.get(remote_id="u1").user
    assert (mirrored.first_name, mirrored.last_name, mirrored.email) == ("Ann", "", "a@y.test")


def test_products_and_licenses_with_lone_surrogates_are_shown_cleaned(
    api: Any, settings: Any, fixed_upstream: Any
) -> None:
    me = {
        "success": True,
        "data": {
            "user": {"sub": "u1", "role": "admin", "products": ["build\ud800easy", "x\u0000"]},
            "organization": {"id": "org-1", "name": "Acme"},
            "licenses": {"build\udfffeasy": {"tier": "pro\ud800"}},
        },
    }
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": fixed_upstream(me)}

    response = call(api, garbage_token(), "/api/organizations/org-1/")

    assert response.status_code == 200
    assert response.json()["authServer"] == {
        "products": ["buildeasy", "x"],
        "licenses": {"buildeasy": {"tier": "pro"}},
    }
