"""Crafted input over real HTTP (gunicorn): always a 4xx JSON answer with a `code`, never a 500."""

import base64
import json
import time

import pytest
import requests

from .helpers import Pair

pytestmark = pytest.mark.django_db(transaction=True)
HUGE_EXP = "1" + "0" * 400  # an int JSON accepts and float() cannot hold


def crafted_token(payload: str) -> str:
    """Return a JWT-looking token whose payload is `payload` verbatim (not re-encoded by json)."""

    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = part(b'{"alg":"HS256","typ":"JWT"}')
    return f"{header}.{part(payload.encode())}.{part(b'0' * 32)}"


def assert_refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["code"] == code


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
def test_a_token_with_a_huge_number_is_401_not_500(pair: Pair, claim: str) -> None:
    now = int(time.time())
    claims = {"exp": str(now + 600), "iat": str(now), claim: HUGE_EXP}
    payload = '{"sub":"someone",' + ",".join(f'"{name}":{value}' for name, value in claims.items())
    payload += "}"

    assert_refused(pair[0].verify(crafted_token(payload)), 401, "token_not_valid")


def test_a_non_ascii_revocation_signature_is_401_not_500(pair: Pair) -> None:
    body = json.dumps({"token": "x"}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Auth-Timestamp": str(int(time.time())),
        "X-Auth-Signature": "sha256=\u00e9" + "0" * 63,
    }
    response = requests.post(
        pair[0].url + "/api/auth/revocations", data=body, headers=headers, timeout=10
    )

    assert_refused(response, 401, "bad_signature")


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/token/"])
def test_a_body_over_the_upload_limit_is_413(pair: Pair, path: str) -> None:
    body = {"email": "a@b.test", "username": "a", "password": "x" * 3_000_000}
    assert_refused(pair[0].post(path, json=body), 413, "request_too_large")


def test_more_than_1000_form_fields_is_400(pair: Pair) -> None:
    fields = {f"field{n}": "1" for n in range(1100)}
    assert_refused(pair[0].post("/api/token/", data=fields), 400, "too_many_fields")


@pytest.mark.parametrize("path", ["/api/organizations/", "/health/", "/admin/login/"])
def test_an_unknown_host_is_400_bad_host_json(pair: Pair, path: str) -> None:
    response = requests.get(pair[0].url + path, headers={"Host": "evil.test"}, timeout=10)
    assert_refused(response, 400, "bad_host")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/token/", '{"username": "\\ud800", "password": "x"}'),
        ("/api/auth/login", '{"email": "\\ud800@b.test", "password": "x"}'),
    ],
)
def test_a_lone_surrogate_in_a_login_name_is_400_not_500(pair: Pair, path: str, body: str) -> None:
    response = pair[0].post(path, data=body, headers={"Content-Type": "application/json"})

    assert_refused(response, 400, "invalid")
