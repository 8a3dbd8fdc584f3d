"""Schemathesis against the schema the app serves: no 500, and every response as documented.

Every operation is fuzzed in-process (WSGI) with positive and negative cases, a bounded and
deterministic number of them, as alice with a real token of the local auth server. Dictionaries
mix alice's organization id, a subscribed product and real credentials into the generated values,
so the handlers' success paths are reached too. The answers fuzzing cannot provoke (an auth
server outage, the login throttle, disabled revocations, a suspended organization, successes that
need a real refresh token, ...) are single hand-made cases below, validated with the same checks.
"""

import json
import time
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.organizations.models import Organization
from config.wsgi import application
from core.signing import sign

from .conftest import ALICE, LOCAL_PASSWORD, LOCAL_USERNAME, REVOCATION_SECRET

CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CHECKS = [not_a_server_error, *CONFORMANCE]
MAX_EXAMPLES = 25
# The werkzeug client sets no client address; the app reads one (metrics, login throttle).
CLIENT: dict[str, Any] = {"environ_base": {"REMOTE_ADDR": "127.0.0.1"}}


def fuzz_config() -> schemathesis.Config:
    """Return a bounded, deterministic configuration: the same cases on every run."""
    known = 0.75  # how often a dictionary value is used instead of a generated one
    return schemathesis.Config.from_dict(
        {
            "seed": 20260701,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "dictionaries": {
                "organization": {"values": [ALICE.org]},
                "product": {"values": ["teamspace", "buildeasy"]},
                "email": {"values": [ALICE.email]},
                "password": {"values": [ALICE.password, LOCAL_PASSWORD]},
                "username": {"values": [LOCAL_USERNAME]},
            },
            "parameters": {
                "path.organization_id": {"dictionary": "organization", "probability": known},
                "query.organizationId": {"dictionary": "organization", "probability": known},
                "query.productCode": {"dictionary": "product", "probability": known},
                "body.email": {"dictionary": "email", "probability": known},
                "body.password": {"dictionary": "password", "probability": known},
                "body.username": {"dictionary": "username", "probability": known},
            },
        }
    )


# Loaded at import: schemathesis' lazy loader (`pytest.from_fixture`) fails on pytest 9.2, which
# renamed the `Node._nodeid` it sets. Generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=fuzz_config())


def fresh_token(wired: Any) -> str:
    """Return a new access token of alice's (logging out revokes the token it is sent with)."""
    token: str = wired.mint_token(ALICE.email)
    return token


def signed(case: Any) -> tuple[dict[str, str], bytes]:
    """Return revocation headers with a valid, fresh signature of the case's body, and the body."""
    body = json.dumps(case.body).encode()
    stamp = int(time.time())
    signature = sign(REVOCATION_SECRET, stamp, body)
    return {"X-Auth-Timestamp": str(stamp), "X-Auth-Signature": signature}, body


def call_arguments(case: Any, token: str, wired: Any) -> dict[str, Any]:
    """Return how to send the case: as alice, and (revocations) signed when the case is positive,
    so its body reaches validation; negative cases keep their generated signature headers."""
    if case.operation.path == "/api/auth/logout":
        token = fresh_token(wired)
    arguments: dict[str, Any] = {"headers": {"Authorization": f"Bearer {token}"}, **CLIENT}
    positive = case.meta.generation.mode is GenerationMode.POSITIVE
    if case.operation.path == "/api/auth/revocations" and positive:
        headers, arguments["data"] = signed(case)
        arguments["headers"].update(headers)
    return arguments


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(
    case: Any, wired: Any, alice_token: str, local_account: Any
) -> None:
    case.call_and_validate(**call_arguments(case, alice_token, wired), checks=CHECKS)


# -- what fuzzing cannot provoke: one documented case each, with the same checks -----------------


def answer(path: str, method: str, *, checks: list[Any] = CHECKS, **case: Any) -> Any:
    """Send one hand-made case of the operation and validate the answer; return the response."""
    headers = case.pop("headers", {})
    made = schema[path][method].Case(**case)
    return made.call_and_validate(headers=headers, checks=checks, **CLIENT)


def as_bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def json_body(body: dict[str, Any]) -> dict[str, Any]:
    return {"body": body, "media_type": "application/json"}


def test_an_auth_server_outage_is_the_documented_503(wired: Any) -> None:
    token = fresh_token(wired)  # not verified yet, so nothing is cached
    wired.fault("status", status=500)

    verify = answer("/api/auth/verify", "GET", headers=as_bearer(token), checks=CONFORMANCE)
    ready = answer("/health/ready", "GET", checks=CONFORMANCE)

    assert (verify.status_code, verify.json()["code"]) == (503, "auth_service_unavailable")
    assert (ready.status_code, ready.json()["status"]) == (200, "degraded")


def test_the_login_throttle_is_the_documented_429(wired: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "1/min"},
    }
    credentials = json_body({"email": ALICE.email, "password": "wrong-password"})

    answer("/api/auth/login", "POST", **credentials)
    throttled = answer("/api/auth/login", "POST", **credentials)

    assert (throttled.status_code, throttled.json()["code"]) == (429, "throttled")


def test_revocations_without_a_secret_are_the_documented_404(wired: Any, settings: Any) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "REVOCATION_SECRET": None}
    headers = {"X-Auth-Timestamp": str(int(time.time())), "X-Auth-Signature": "sha256=00"}

    response = answer(
        "/api/auth/revocations",
        "POST",
        headers=headers,
        **json_body({"userId": ALICE.id, "action": "revoke_tokens"}),
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_refreshing_real_tokens_answers_as_documented(wired: Any, local_account: Any) -> None:
    remote = wired.login(ALICE.email, ALICE.password)["refreshToken"]
    local = answer(
        "/api/token/", "POST", **json_body({"username": LOCAL_USERNAME, "password": LOCAL_PASSWORD})
    ).json()["refresh"]

    upstream = answer("/api/auth/refresh", "POST", **json_body({"refreshToken": remote}))
    rotated = answer("/api/token/refresh/", "POST", **json_body({"refresh": local}))
    reused = answer("/api/token/refresh/", "POST", **json_body({"refresh": local}))

    assert (upstream.status_code, rotated.status_code) == (200, 200)
    assert (reused.status_code, reused.json()["code"]) == (401, "token_not_valid")


def test_the_refresh_token_of_a_deleted_account_is_the_documented_401(local_account: Any) -> None:
    credentials = {"username": LOCAL_USERNAME, "password": LOCAL_PASSWORD}
    refresh = answer("/api/token/", "POST", **json_body(credentials)).json()["refresh"]
    local_account.delete()

    response = answer("/api/token/refresh/", "POST", **json_body({"refresh": refresh}))

    assert (response.status_code, response.json()["code"]) == (401, "no_active_account")


def test_logout_with_a_malformed_header_is_the_documented_401(wired: Any) -> None:
    response = answer(
        "/api/auth/logout", "POST", headers={"Authorization": "Bearer two parts"}, **json_body({})
    )

    assert (response.status_code, response.json()["code"]) == (401, "bad_authorization_header")
    assert response.headers["www-authenticate"][0].startswith("Bearer")


@pytest.mark.parametrize("code", ["\x00", "team\x00space", "team space", "x" * 51])
def test_a_malformed_product_code_is_400_not_500(alice_token: str, code: str) -> None:
    response = answer(
        "/api/subscriptions/check",
        "GET",
        headers=as_bearer(alice_token),
        query={"organizationId": ALICE.org, "productCode": code},
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_product_code")


def test_a_suspended_organization_is_the_documented_403(alice_token: str) -> None:
    Organization.objects.filter(remote_id=ALICE.org).update(status="suspended")

    response = answer(
        "/api/organizations/{organization_id}/",
        "GET",
        headers=as_bearer(alice_token),
        path_parameters={"organization_id": ALICE.org},
    )

    assert (response.status_code, response.json()["code"]) == (403, "organization_suspended")


def test_an_id_with_a_slash_is_the_documented_json_404(alice_token: str) -> None:
    response = answer(
        "/api/organizations/{organization_id}/",
        "GET",
        headers=as_bearer(alice_token),
        path_parameters={"organization_id": "a/b"},
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_metrics_answer_only_allowed_clients(wired: Any, settings: Any) -> None:
    allowed = answer("/metrics", "GET")
    settings.METRICS_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    refused = answer("/metrics", "GET")

    assert (allowed.status_code, refused.status_code) == (200, 404)
