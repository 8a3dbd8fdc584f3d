"""Two auth servers on one database: the same user id at each is two people, switching back and forth."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from core.models import RemoteIdentity
from tests.fixtures.authserver import DemoUser, LocalAuthServer

from .conftest import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def staging() -> Iterator[LocalAuthServer]:
    server = LocalAuthServer().start()
    yield server
    server.stop()


def use(settings: Any, server: LocalAuthServer, issuer: str) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": server.url, "ISSUER_ID": issuer}


@pytest.mark.parametrize("id_type", ["string", "integer"])
def test_the_same_user_id_at_two_auth_servers_stays_two_people(
    api: Any,
    settings: Any,
    auth_server_clean: LocalAuthServer,
    staging: LocalAuthServer,
    demo_users: dict[str, DemoUser],
    id_type: str,
) -> None:
    alice = demo_users["alice"]  # one id, two auth servers with the same seed
    for server in (auth_server_clean, staging):
        server.configure(user_id_type=id_type)
    staging.update_user(alice.id, email="tester@staging.test")
    remote_id = alice.id if id_type == "string" else "1"
    production_token = auth_server_clean.mint_token(alice.id)
    staging_token = staging.mint_token(alice.id)

    for _ in range(2):
        use(settings, auth_server_clean, "production")
        assert call(api, production_token).status_code == 200
        use(settings, staging, "staging")
        assert call(api, staging_token).status_code == 200

    links = RemoteIdentity.objects.filter(remote_id=remote_id).select_related("user")
    emails = {link.issuer: link.user.email for link in links}
    assert emails == {"production": alice.email, "staging": "tester@staging.test"}
    assert get_user_model().objects.count() == 2
