"""GET /api/schema/: public, complete (every route of the API), warning-free, Bearer-secured."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

# Routes that are not part of the API, and why.
NOT_THE_API = {
    "admin/": "Django's admin: HTML pages for staff",
    "api/schema/": "the OpenAPI document itself",
    "api/docs/": "Swagger UI: an HTML page that renders the schema",
    "login/": "the browser's sign-in page (README: Signing in with a browser)",
    "logout/": "the browser's sign-out form target",
    "account/": "the browser's account page",
    "auth/refresh/": "the browser's refresh endpoint (its cookie, its fetch helper)",
}
METHODS = ("get", "post", "put", "patch", "delete")
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """Return the schema as the app serves it."""
    response = APIClient().get("/api/schema/", {"format": "json"}, HTTP_HOST="localhost")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (route, view callback) for every URL pattern, includes flattened."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if any(route.startswith(skipped) for skipped in NOT_THE_API):
            continue
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def openapi_path(route: str) -> str:
    """Return the OpenAPI path of a Django route: `<str:id>` becomes `{id}`."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def view_methods(callback: Any) -> set[str]:
    """Return the HTTP methods a class-based view handles (none known for a function view)."""
    view_class = getattr(callback, "view_class", None)
    return {method for method in METHODS if view_class and hasattr(view_class, method)}


def resolved(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """Return the response object, looking a `components/responses` reference up."""
    if "$ref" not in response:
        return response
    shared: dict[str, Any] = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return shared


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_is_public_openapi_3_in_yaml_and_json() -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-even-a-token")

    as_yaml = api.get("/api/schema/", HTTP_HOST="localhost")
    as_json = api.get("/api/schema/", {"format": "json"}, HTTP_HOST="localhost")

    assert as_yaml.status_code == as_json.status_code == 200
    assert yaml.safe_load(as_yaml.content)["openapi"].startswith("3.")
    assert as_json.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_generation_has_no_warning_and_validates(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    assert yaml.safe_load(target.read_text())["paths"]


def test_every_route_and_method_of_the_api_is_documented(document: dict[str, Any]) -> None:
    missing = []
    for route, callback in routes(get_resolver().url_patterns):
        item = document["paths"].get(openapi_path(route), {})
        documented = {method for method in METHODS if method in item}
        if not documented or view_methods(callback) - documented:
            missing.append(f"{openapi_path(route)} {sorted(view_methods(callback) - documented)}")
    assert not missing, "undocumented: " + ", ".join(missing)


def test_the_security_schemes_are_one_bearer_scheme_and_the_cookie(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]

    assert list(schemes) == ["bearerAuth", "cookieAuth", "forwardedCookieAuth"]
    assert (schemes["bearerAuth"]["type"], schemes["bearerAuth"]["scheme"]) == ("http", "bearer")
    assert (schemes["cookieAuth"]["type"], schemes["cookieAuth"]["in"]) == ("apiKey", "cookie")
    forwarded = schemes["forwardedCookieAuth"]  # the same cookie, ForwardAuth's CSRF rule
    assert (forwarded["in"], forwarded["name"]) == ("cookie", schemes["cookieAuth"]["name"])
    assert "X-Forwarded-Method" in forwarded["description"]


def test_protected_operations_document_what_authentication_answers(
    document: dict[str, Any],
) -> None:
    shared = document["components"]["responses"]
    # ForwardAuth takes the cookie under its own scheme: the original method decides its CSRF proof.
    forward = [BEARER[0], {"forwardedCookieAuth": []}]
    protected = [op for _, _, op in operations(document) if op.get("security") in (BEARER, forward)]

    assert len(protected) == 5  # verify, forward, organizations (list, detail), subscription check
    for operation in protected:
        responses = operation["responses"]
        assert responses["401"] == {"$ref": "#/components/responses/Unauthorized"}
        assert responses["503"] == {"$ref": "#/components/responses/AuthServiceUnavailable"}
        assert "user_not_provisioned" in str(resolved(document, responses["403"]))
    assert shared["Unauthorized"]["headers"]["WWW-Authenticate"]["required"] is True
    assert shared["AuthServiceUnavailable"]["headers"]["Retry-After"]["required"] is True


def test_every_json_error_is_the_error_body_with_its_codes(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400 or path in ("/metrics", "/health/ready"):
                continue  # metrics' 404 has no body; readiness' 503 is its report
            schema = resolved(document, response)["content"]["application/json"]["schema"]["allOf"]
            assert schema[0] == {"$ref": "#/components/schemas/Error"}, (path, method, status)
            assert schema[1]["properties"]["code"]["enum"], (path, method, status)


def test_request_bodies_are_camel_case_as_implemented(document: dict[str, Any]) -> None:
    def fields(path: str) -> set[str]:
        body = document["paths"][path]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        return set(document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])

    assert fields("/api/auth/login") == {"email", "password"}
    assert fields("/api/auth/refresh") == {"refreshToken"}
    assert fields("/api/auth/logout") == {"refreshToken"}
    assert fields("/api/auth/revocations") == {"userId", "action"}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
