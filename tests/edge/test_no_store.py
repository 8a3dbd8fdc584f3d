"""`Cache-Control: no-store` on every response that carries a token, and on every other answer."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.conftest import JWT, bearer

pytestmark = pytest.mark.django_db
# Every operation whose successful answer carries a token (the schema test below keeps this whole).
TOKEN_ENDPOINTS = {
    ("post", "/api/auth/login"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/token/"),
    ("post", "/api/token/refresh/"),
}
TOKEN_FIELDS = {"accessToken", "refreshToken", "access", "refresh", "token"}


def token_properties(schema: dict[str, Any], components: dict[str, Any]) -> set[str]:
    """Return the token-named properties of a response schema (following one $ref)."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return TOKEN_FIELDS & set(schema.get("properties", {}))


def test_the_schema_lists_no_token_endpoint_beyond_those_tested() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for body in response.get("content", {}).values()
        if token_properties(body["schema"], components)
    }

    assert found == TOKEN_ENDPOINTS


def local_account() -> dict[str, str]:
    get_user_model().objects.create_user("ops", password="a-long-local-password")
    return {"username": "ops", "password": "a-long-local-password"}


def token_answers(api: APIClient, remote_auth: Any, alice: Any) -> dict[tuple[str, str], Any]:
    """Return the answer of every token endpoint, each a success carrying tokens."""
    login = api.post("/api/auth/login", {"email": alice.email, "password": alice.password})
    refresh = api.post("/api/auth/refresh", {"refreshToken": login.json()["refreshToken"]})
    local = api.post("/api/token/", local_account())
    rotated = api.post("/api/token/refresh/", {"refresh": local.json()["refresh"]})
    return {
        ("post", "/api/auth/login"): login,
        ("post", "/api/auth/refresh"): refresh,
        ("post", "/api/token/"): local,
        ("post", "/api/token/refresh/"): rotated,
    }


def test_every_answer_carrying_a_token_is_no_store(api, remote_auth, demo_users) -> None:
    answers = token_answers(api, remote_auth, demo_users["alice"])

    assert set(answers) == TOKEN_ENDPOINTS
    for endpoint, response in answers.items():
        assert response.status_code == 200, endpoint
        assert JWT.search(response.content.decode()), endpoint
        assert response["Cache-Control"] == "no-store", endpoint


def test_error_answers_are_no_store_too(api, remote_auth) -> None:
    response = api.post("/api/auth/login", {"email": "a@b.test", "password": "wrong"})

    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Return every URL of the project that takes no argument."""
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += routes(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
            found.append("/" + route.lstrip("^").rstrip("$"))
    return found


def test_every_route_answers_no_store_or_a_cache_control_of_its_own(
    api, remote_auth, demo_users
) -> None:
    alice = demo_users["alice"]
    token = remote_auth.login(alice.email, alice.password)["accessToken"]
    paths = routes()

    answers = {path: api.get(path, **bearer(token)) for path in paths}

    assert "/api/auth/verify" in answers
    assert "/api/docs/" in answers
    for path, response in answers.items():
        assert "no-store" in response["Cache-Control"], path
