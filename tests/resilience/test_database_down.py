"""PostgreSQL down or hung: 503 `service_unavailable` with Retry-After, never a 500 or a hang.

SaaS Admin runs under gunicorn with DATABASE_URL pointing at a port nothing listens on, or at a
socket that accepts connections and never answers (the shared PostgreSQL is never touched).
"""

import time
from collections.abc import Iterator

import pytest
import requests
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import AccessToken

from tests.fixtures.api_server import ApiServer
from tests.fixtures.ports import reserved_port
from tests.fixtures.sockets import serving, silent

pytestmark = pytest.mark.django_db(transaction=True)
CONNECT_TIMEOUT = 2  # libpq's smallest
MARGIN = 5.0
ENV = {"DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT), "GUNICORN_CMD_ARGS": "--threads 4"}


def assert_service_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1


def start(remote_auth, port: int) -> ApiServer:
    url = f"postgres://postgres@127.0.0.1:{port}/nowhere"
    return ApiServer(remote_auth.url, env={**ENV, "DATABASE_URL": url}).start()


@pytest.fixture
def no_database(remote_auth) -> Iterator[ApiServer]:
    server = start(remote_auth, reserved_port())
    yield server
    server.stop()


@pytest.fixture
def silent_database(remote_auth) -> Iterator[ApiServer]:
    with serving(silent) as (_, port):
        server = start(remote_auth, port)
        yield server
        server.stop()


def local_token() -> str:
    return str(AccessToken.for_user(get_user_model()(pk=1, username="someone")))


def test_a_new_remote_token_is_503_when_the_database_is_down(
    no_database, remote_auth, demo_users
) -> None:
    assert_service_unavailable(
        no_database.verify(remote_auth.mint_token(demo_users["alice"].email))
    )


def test_organizations_are_503_when_the_database_is_down(no_database) -> None:
    assert_service_unavailable(no_database.get("/api/organizations/", local_token()))


def test_local_login_is_503_when_the_database_is_down(no_database) -> None:
    response = no_database.post("/api/token/", json={"username": "root", "password": "pw"})
    assert_service_unavailable(response)


def test_admin_login_is_503_json_when_the_database_is_down(no_database) -> None:
    session = requests.Session()
    login = f"{no_database.url}/admin/login/"
    csrf = session.get(login, timeout=10).cookies["csrftoken"]
    form = {"username": "root", "password": "pw", "csrfmiddlewaretoken": csrf}

    response = session.post(login, data=form, headers={"Referer": login}, timeout=10)

    assert_service_unavailable(response)


def test_a_database_that_never_answers_is_bounded_by_the_connect_timeout(
    silent_database, remote_auth, demo_users
) -> None:
    token = remote_auth.mint_token(demo_users["alice"].email)

    started = time.monotonic()
    response = silent_database.verify(token)

    assert_service_unavailable(response)
    assert time.monotonic() - started < CONNECT_TIMEOUT + MARGIN
