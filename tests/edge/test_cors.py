"""CORS (django-cors-headers): only CORS_ALLOWED_ORIGINS, with credentials; preflight needs no token."""

import pytest

pytestmark = pytest.mark.django_db
APP = "https://app.example.com"
PREFLIGHT = {
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization",
}


@pytest.fixture
def allowed(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [APP]


def test_no_origin_is_allowed_by_default(api) -> None:
    response = api.options("/api/auth/verify", HTTP_ORIGIN=APP, **PREFLIGHT)

    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token(api, allowed) -> None:
    response = api.options("/api/auth/verify", HTTP_ORIGIN=APP, **PREFLIGHT)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_an_other_origin_gets_no_cors_headers(api, allowed) -> None:
    response = api.options("/api/auth/verify", HTTP_ORIGIN="https://evil.example.net", **PREFLIGHT)

    assert "Access-Control-Allow-Origin" not in response


def test_answers_to_an_allowed_origin_expose_retry_after_and_the_request_id(api, allowed) -> None:
    response = api.get("/api/auth/verify", HTTP_ORIGIN=APP)

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == APP
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert {"retry-after", "www-authenticate", "x-request-id"} <= set(exposed.split(", "))
