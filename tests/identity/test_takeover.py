"""AUTH_PROVISIONING=link_email: an e-mail at the auth server never hands over a local account."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from core.models import RemoteIdentity
from tests.fixtures.authserver import DemoUser, LocalAuthServer

from .conftest import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_email(settings: Any, remote_auth: LocalAuthServer) -> LocalAuthServer:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "PROVISIONING": "link_email"}
    return remote_auth


@pytest.fixture
def root() -> Any:
    return get_user_model().objects.create_superuser("root", "root@corp.test", "root-password-1")


@pytest.mark.parametrize("verified", [False, True])
def test_an_email_equal_to_a_superusers_never_links_to_it(
    api: Any,
    link_email: LocalAuthServer,
    demo_users: dict[str, DemoUser],
    root: Any,
    verified: bool,
) -> None:
    bob = demo_users["bob"]
    link_email.update_user(bob.id, email="ROOT@corp.test", email_verified=verified)

    response = call(api, link_email.mint_token(bob.id))

    assert response.status_code == 403
    assert response.json()["code"] == "user_not_provisioned"
    assert not RemoteIdentity.objects.filter(user=root).exists()


def test_an_unverified_email_never_links_to_a_plain_account(
    api: Any, link_email: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    victim = get_user_model().objects.create_user("victim", "victim@corp.test")
    bob = demo_users["bob"]
    link_email.update_user(bob.id, email="Victim@Corp.test", email_verified=False)

    response = call(api, link_email.mint_token(bob.id))

    assert response.status_code == 403
    assert not RemoteIdentity.objects.filter(user=victim).exists()


def test_a_verified_email_links_the_one_plain_account_holding_it(
    api: Any, link_email: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    pat = get_user_model().objects.create_user("pat", "PAT@corp.test")
    bob = demo_users["bob"]
    link_email.update_user(bob.id, email="pat@corp.test", email_verified=True)

    response = call(api, link_email.mint_token(bob.id))

    assert response.status_code == 200
    assert RemoteIdentity.objects.get(remote_id=bob.id).user_id == pat.pk
