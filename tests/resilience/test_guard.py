"""No client can lock others out: over real HTTP, SaaS Admin under gunicorn, a rate-limited auth
server, and distinct clients on distinct loopback addresses.

Junk tokens cost nothing upstream; forged tokens from one address spend only that address's share;
refresh/logout floods never make the auth server answer 429; spoofed X-Forwarded-For moves no
throttle; password logins (remote, /api/token/, admin) are throttled per (account, address).
"""

import base64
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import caches

from tests.fixtures.api_server import ApiServer
from tests.fixtures.authserver import LocalAuthServer
from tests.fixtures.clients import client_from

from .helpers import ME, VERIFY, sliding_limit, wait_until, window_with_room

pytestmark = pytest.mark.django_db(transaction=True)
SHARE = 5
ENV = {
    "GUNICORN_CMD_ARGS": "--threads 8",
    "AUTH_UPSTREAM_BUDGET_PER_MINUTE": "100",
    "AUTH_UPSTREAM_BUDGET_PER_CLIENT": str(SHARE),
    "LOGIN_THROTTLE_RATE": "6/min",
    "LOGIN_ACCOUNT_THROTTLE_RATE": "3/min",
    "REFRESH_THROTTLE_RATE": "20/min",
    "LOGOUT_THROTTLE_RATE": "20/min",
}
ATTACKER, VICTIM, OTHER = "127.0.0.2", "127.0.0.3", "127.0.0.4"
FORGERS_KEY = "not-the-auth-servers-key-0123456789abcdef"
ANSWERED = re.compile(r"(?:GET|POST) /api/auth/\S+ (\d{3}) ")


def junk_token(n: int) -> str:
    """Return the n-th of 140 distinct tokens the auth server cannot have issued."""
    header = "eyJhbGciOiJIUzI1NiJ9"  # {"alg":"HS256"}
    payload = base64.urlsafe_b64encode(json.dumps({"sub": n}).encode()).rstrip(b"=").decode()
    return [
        f"{header}.{payload}.00000001",  # no exp, an 8-character signature
        f"eyJhbGciOiJub25lIn0.{payload}.",  # alg none, and no signature
        f"junk-{n}",  # not a JWT at all
        f"{header}.{payload}x.c2ln",  # a payload that is not JSON
    ][n % 4]


@pytest.fixture(scope="module")
def limited_auth_server() -> Iterator[LocalAuthServer]:
    with LocalAuthServer("--rate-limit", "150", "--rate-window", "60") as server:
        yield server


@pytest.fixture(scope="module")
def guarded(limited_auth_server: LocalAuthServer, django_db_setup: None) -> Iterator[ApiServer]:
    server = ApiServer(limited_auth_server.url, workers=2, env=ENV).start()
    yield server
    server.stop()


@pytest.fixture
def auth(limited_auth_server: LocalAuthServer) -> LocalAuthServer:
    limited_auth_server.reset()
    return limited_auth_server


def flood(send: Callable[[int], requests.Response], count: int) -> list[requests.Response]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(send, range(count)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upstream_statuses(auth: LocalAuthServer, since: int) -> Counter[str]:
    return Counter(ANSWERED.findall(auth.output[since:]))


def token_keys() -> list[Any]:
    return list(caches["default"].keys("*:tok:*"))  # type: ignore[attr-defined]  # django-redis


def forged_token(index: int) -> str:
    """Return a token perfect in every way SaaS Admin can check, signed with a key nobody has."""
    claims = {"sub": f"forged-{index}", "exp": 4_000_000_000, "jti": str(index)}
    return jwt.encode(claims, FORGERS_KEY, algorithm="HS256")


def test_140_junk_tokens_cost_no_upstream_call_and_store_nothing_shared(
    guarded, auth, demo_users
) -> None:
    attacker = client_from(ATTACKER)

    responses = flood(
        lambda n: attacker.get(guarded.url + VERIFY, headers=bearer(junk_token(n))),
        140,
    )

    assert {r.status_code for r in responses} == {401}
    assert {r.json()["code"] for r in responses} <= {"token_not_valid", "bad_authorization_header"}
    assert auth.calls(ME) == 0
    assert token_keys() == []
    user = client_from(VICTIM).get(
        guarded.url + VERIFY, headers=bearer(auth.mint_token(demo_users["alice"].email))
    )
    assert user.status_code == 200


def test_600_forged_tokens_from_one_address_leave_a_real_user_on_another_at_200(
    guarded, auth, demo_users
) -> None:
    wait_until(lambda: window_with_room(8), timeout=9)
    attacker = client_from(ATTACKER)
    started = time.time()

    responses = flood(
        lambda n: attacker.get(guarded.url + VERIFY, headers=bearer(forged_token(n))), 600
    )
    share = sliding_limit(SHARE, started, time.time())
    user = client_from(VICTIM).get(
        guarded.url + VERIFY, headers=bearer(auth.mint_token(demo_users["alice"].email))
    )

    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) == {401, 429}
    assert auth.calls(ME) == statuses[401] + 1 <= share + 1
    refused = [r for r in responses if r.status_code == 429]
    assert {r.json()["code"] for r in refused} == {"too_many_unverified_tokens"}
    assert all(1 <= int(r.headers["Retry-After"]) <= 60 for r in refused)
    assert user.status_code == 200
    assert user.json()["verification"]["source"] == "remote"


def test_refresh_and_logout_floods_never_draw_a_429_from_the_auth_server(
    guarded, auth, demo_users
) -> None:
    wait_until(lambda: window_with_room(8), timeout=9)
    since = len(auth.output)
    attacker = client_from(ATTACKER)
    started = time.time()

    def send(n: int) -> requests.Response:
        if n % 2:
            return attacker.post(f"{guarded.url}/api/auth/refresh", json={"refreshToken": f"r{n}"})
        return attacker.post(f"{guarded.url}/api/auth/logout", headers=bearer(forged_token(n)))

    responses = flood(send, 320)
    share = sliding_limit(SHARE, started, time.time())
    alice = demo_users["alice"]
    login = client_from(VICTIM).post(
        f"{guarded.url}/api/auth/login", json={"email": alice.email, "password": alice.password}
    )

    assert {r.status_code for r in responses} <= {200, 401, 429}
    assert "429" not in upstream_statuses(auth, since)
    assert auth.calls("POST /api/auth/refresh") + auth.calls("POST /api/auth/logout") <= share
    assert login.status_code == 200


def test_the_auth_servers_login_limit_never_opens_the_breaker_for_everyone(
    guarded, auth, demo_users
) -> None:
    # Real servers limit logins per IP (10 a minute, or per 15 minutes), and every login through
    # SaaS Admin comes from its one address: a few wrong passwords draw that 429.
    auth.use_profile("contract", login_limit=2)
    attacker = client_from(ATTACKER)
    guesses = [
        attacker.post(
            f"{guarded.url}/api/auth/login", json={"email": f"u{n}@x.test", "password": "wrong"}
        )
        for n in range(3)
    ]

    user = client_from(VICTIM).get(
        guarded.url + VERIFY, headers=bearer(auth.mint_token(demo_users["alice"].email))
    )

    assert [r.status_code for r in guesses] == [401, 401, 503]
    assert int(guesses[2].headers["Retry-After"]) >= 1
    assert user.status_code == 200
    assert user.json()["verification"]["source"] == "remote"


def test_spoofed_x_forwarded_for_bypasses_no_throttle_and_locks_out_nobody(
    guarded, auth, demo_users
) -> None:
    alice = demo_users["alice"]
    attacker = client_from(ATTACKER)

    def guess(n: int) -> requests.Response:
        return attacker.post(
            f"{guarded.url}/api/auth/login",
            json={"email": alice.email, "password": "wrong"},
            headers={"X-Forwarded-For": VICTIM if n % 2 else f"198.51.100.{n}"},
        )

    guesses = [guess(n) for n in range(10)]
    victim = client_from(VICTIM).post(
        f"{guarded.url}/api/auth/login", json={"email": alice.email, "password": alice.password}
    )

    assert [r.status_code for r in guesses] == [401] * 3 + [429] * 7
    assert all(int(r.headers["Retry-After"]) >= 1 for r in guesses[3:])
    assert victim.status_code == 200


def test_local_password_login_is_throttled_per_account_and_address_never_per_account(
    guarded, auth
) -> None:
    get_user_model().objects.create_superuser("breakglass", "bg@example.com", "right-password")
    attacker, owner = client_from(ATTACKER), client_from(VICTIM)
    url = f"{guarded.url}/api/token/"

    guesses = [
        attacker.post(url, json={"username": "breakglass", "password": f"guess{n}"})
        for n in range(5)
    ]
    owner_login = owner.post(url, json={"username": "breakglass", "password": "right-password"})

    assert [r.status_code for r in guesses] == [401] * 3 + [429] * 2
    assert guesses[-1].json()["code"] == "throttled"
    assert int(guesses[-1].headers["Retry-After"]) >= 1
    assert owner_login.status_code == 200


def admin_login(
    session: requests.Session, url: str, password: str, username: str = "breakglass"
) -> requests.Response:
    page = session.get(url)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf[1]}
    return session.post(url, data=form, allow_redirects=False)


def test_admin_login_is_throttled_per_account_and_address(guarded, auth) -> None:
    get_user_model().objects.create_superuser("breakglass", "bg@example.com", "right-password")
    url = f"{guarded.url}/admin/login/"
    attacker = client_from(ATTACKER)

    guesses = [admin_login(attacker, url, f"guess{n}") for n in range(5)]
    owner = admin_login(client_from(OTHER), url, "right-password")

    assert [r.status_code for r in guesses] == [200] * 3 + [429] * 2
    assert int(guesses[-1].headers["Retry-After"]) >= 1
    assert owner.status_code == 302


def fullwidth(text: str) -> str:
    """Return `text` in fullwidth letters, which NFKC (and so the admin's login form) folds back."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def test_admin_login_spellings_of_one_username_share_its_throttle(guarded, auth) -> None:
    get_user_model().objects.create_superuser("breakglass", "bg@example.com", "right-password")
    url = f"{guarded.url}/admin/login/"
    attacker = client_from(ATTACKER)
    spellings = ["breakglass"] + [fullwidth("breakglass"[:n]) + "breakglass"[n:] for n in (1, 2, 3)]

    guesses = [
        admin_login(attacker, url, f"guess{n}", username=name) for n, name in enumerate(spellings)
    ]

    assert [r.status_code for r in guesses] == [200] * 3 + [429]
