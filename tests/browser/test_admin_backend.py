"""Staff sign in to /admin/ with auth-server credentials, mapped by the RemoteIdentity link."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def mirrored(remote_auth: Any, demo_user: Any, *, staff: bool) -> Any:
    """Mirror `demo_user` (one verified request) and set its local is_staff."""
    token = remote_auth.login(demo_user.email, demo_user.password)["accessToken"]
    verified = Client().get("/api/auth/verify", headers={"Authorization": f"Bearer {token}"})
    assert verified.status_code == 200
    user = get_user_model().objects.get(remote_identity__remote_id=demo_user.id)
    user.is_staff = staff
    user.save()
    return user


def admin_login(username: str, password: str) -> Any:
    return Client().post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_a_staff_member_signs_in_with_auth_server_credentials(remote_auth, demo_users) -> None:
    alice = demo_users["alice"]
    mirrored(remote_auth, alice, staff=True)
    sessions = remote_auth.open_sessions()

    response = admin_login(alice.email, alice.password)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert remote_auth.open_sessions() == sessions  # the admin keeps Django's session only


def test_staff_status_stays_local(remote_auth, demo_users) -> None:
    alice = demo_users["alice"]
    mirrored(remote_auth, alice, staff=False)

    response = admin_login(alice.email, alice.password)

    assert response.status_code == 200  # the form again: not staff here


def test_a_local_account_with_the_same_email_is_never_matched(remote_auth, demo_users) -> None:
    alice = demo_users["alice"]
    get_user_model().objects.create_user(
        username=alice.email, email=alice.email, password="local-only-pw", is_staff=True
    )

    response = admin_login(alice.email, alice.password)

    assert response.status_code == 200


def test_break_glass_passwords_work_with_the_auth_server_down(remote_auth) -> None:
    get_user_model().objects.create_superuser("root@example.com", "root@example.com", "glass-pw-1")
    remote_auth.fault("down")

    response = admin_login("root@example.com", "glass-pw-1")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_auth_server_credentials_never_yield_local_tokens(remote_auth, demo_users) -> None:
    alice = demo_users["alice"]
    mirrored(remote_auth, alice, staff=True)

    response = Client().post(
        "/api/token/",
        {"username": alice.email, "password": alice.password},
        content_type="application/json",
    )

    assert response.status_code == 401
