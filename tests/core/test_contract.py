"""The contract's JSON Schemas: every variant docs/auth-server-contract.md allows passes, anything
looser fails."""

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core.contract import ENDPOINTS, schema, validate

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz"
USER_ID = "78b5873c-c094-480e-bf2b-8479f86576b3"
ORG = {"id": "d283930d-137c-4ffe-abbf-fbed33913676", "name": "Acme Corp"}
LICENSES = {"buildeasy": {"tier": "pro", "seats": 10}}
USER = {"sub": USER_ID, "email": "alice@acme.test", "org": ORG["id"], "products": ["buildeasy"]}
FULL_USER = {
    "id": USER_ID,
    "email": "alice@acme.test",
    "firstName": "Alice",
    "lastName": "Anders",
    "emailVerified": True,
    "role": "admin",
}
LOGIN = {"user": USER, "organization": ORG, "licenses": LICENSES, "accessToken": JWT}
HEALTH = {
    "status": "healthy",
    "version": "1.4.2",
    "environment": "production",
    "database": "connected",
}


def wrapped(data: dict[str, Any], flag: str = "success", **extra: Any) -> dict[str, Any]:
    return {flag: True, **extra, "data": data}


VALID: dict[str, list[Any]] = {
    "login": [
        wrapped(LOGIN, message="Login successful."),
        wrapped({**LOGIN, "refreshToken": "opaque-refresh"}),
        wrapped({**LOGIN, "user": FULL_USER}, flag="ok"),
        LOGIN,
        {**LOGIN, "refreshToken": "opaque-refresh", "message": "Login successful."},
        {**LOGIN, "user": {"id": USER_ID, "firstName": None, "lastName": None}},
    ],
    "me": [
        wrapped({"user": USER, "organization": ORG, "licenses": LICENSES}),
        wrapped({"user": USER}),
        {"ok": True, "user": FULL_USER, "organization": ORG, "licenses": LICENSES},
        {"user": USER},
        wrapped({**FULL_USER, "organization": ORG, "licenses": LICENSES}),
        FULL_USER,
        USER,
        {"sub": USER_ID},
        {"id": USER_ID, "email": "alice@acme.test", "emailVerified": None, "role": None},
    ],
    "refresh": [
        {"accessToken": JWT},
        {"accessToken": JWT, "refreshToken": "rotated"},
        {"success": True, "accessToken": JWT},
        wrapped({"accessToken": JWT, "refreshToken": "rotated"}),
        wrapped({"accessToken": JWT}, flag="ok"),
    ],
    "logout": [
        None,
        {},
        {"success": True},
        wrapped({}, message="Logged out."),
        {"message": "Bye."},
    ],
    "signup": [
        wrapped({"userId": USER_ID, "email": "new@acme.test", "message": "Check your email."}),
        {"userId": USER_ID, "email": "new@acme.test", "message": "Check your email."},
    ],
    "health": [HEALTH, {**HEALTH, "uptime": 12}, wrapped(HEALTH)],
    "error": [
        {"success": False, "error": "invalid_credentials", "message": "Invalid email or password."},
        {"success": False, "error": "token_expired"},
        {"message": "Unauthorized"},
        {"ok": False, "error": "rate_limited"},
    ],
}


def with_change(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a deep copy of `body` with the dotted `path` set to `value` (or removed for ...)."""
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return changed


INVALID: dict[str, list[tuple[str, Any, str]]] = {
    "login": [
        (
            "no user id",
            wrapped(with_change(LOGIN, "user.sub", ...)),
            "data.user: missing 'sub' or 'id'",
        ),
        (
            "empty user id",
            wrapped(with_change(LOGIN, "user.sub", "")),
            "data.user.sub: must be a non-empty",
        ),
        ("blank user id", with_change(LOGIN, "user.sub", "   "), "user.sub: must be a non-empty"),
        (
            "numeric user id",
            with_change(LOGIN, "user.sub", 42),
            "user.sub: must be a string (got integer)",
        ),
        (
            "no accessToken",
            wrapped(with_change(LOGIN, "accessToken", ...)),
            "missing 'accessToken'",
        ),
        (
            "opaque accessToken",
            wrapped({**LOGIN, "accessToken": "opaque"}),
            "accessToken: must be a JWT",
        ),
        ("accessToken a number", {**LOGIN, "accessToken": 12345}, "accessToken: must be a string"),
        ("no organization", with_change(LOGIN, "organization", ...), "missing 'organization'"),
        ("organization without id", {**LOGIN, "organization": {"name": "A"}}, "missing 'id'"),
        (
            "licenses a list",
            {**LOGIN, "licenses": ["buildeasy"]},
            "licenses: must be a JSON object",
        ),
        ("empty refreshToken", {**LOGIN, "refreshToken": ""}, "refreshToken: must be a non-empty"),
        ("failure flag", {**LOGIN, "success": False}, "success: must be true"),
        ("envelope without flag", {"data": LOGIN}, "body: missing 'success' or 'ok'"),
        ("envelope with success false", {"success": False, "data": LOGIN}, "success: must be true"),
        ("error body", VALID["error"][0], "body: missing 'data'"),
        ("HTML page", "<html><body>502 Bad Gateway</body></html>", "JSON object (got string)"),
        ("empty body", None, "body: must be a JSON object (got null)"),
        ("JSON array", [LOGIN], "body: must be a JSON object (got array)"),
    ],
    "me": [
        ("no user id", wrapped({"user": {"email": "a@b.c"}}), "data.user: missing 'sub' or 'id'"),
        ("id under another key", {"user": {"userId": USER_ID}}, "user: missing 'sub' or 'id'"),
        (
            "null user id",
            {"id": None, "email": "a@b.c"},
            "id: must be a string or an integer (got null)",
        ),
        ("products a string", {"sub": USER_ID, "products": "all"}, "products: must be an array"),
        ("product a number", {"sub": USER_ID, "products": [1]}, "products[0]: must be a string"),
        ("email not an address", {"sub": USER_ID, "email": "alice"}, "email: must be an e-mail"),
        ("emailVerified a string", {"sub": USER_ID, "emailVerified": "yes"}, "a boolean or null"),
        ("firstName a number", {"sub": USER_ID, "firstName": 7}, "firstName: must be a string"),
        ("org empty", {"sub": USER_ID, "org": ""}, "org: must be a non-empty string"),
        (
            "org without name",
            wrapped({"user": USER, "organization": {"id": "o"}}),
            "missing 'name'",
        ),
        ("failure flag", {"success": False, "user": USER}, "success: must be true"),
        ("user a string", wrapped({"user": USER_ID}), "data.user: must be a JSON object"),
        ("HTML page", "<!doctype html><title>Bad Gateway</title>", "JSON object (got string)"),
        ("empty body", None, "body: must be a JSON object (got null)"),
        ("number", 200, "body: must be a JSON object (got integer)"),
    ],
    "refresh": [
        ("no accessToken", {"refreshToken": "rotated"}, "body: missing 'accessToken'"),
        ("opaque accessToken", {"accessToken": "abc"}, "accessToken: must be a JWT"),
        ("failure flag", {"success": False, "accessToken": JWT}, "success: must be true"),
        ("HTML page", "<html></html>", "body: must be a JSON object (got string)"),
    ],
    "logout": [
        ("failure flag", {"success": False, "error": "invalid"}, "success: must be true"),
        ("ok false", {"ok": False}, "ok: must be true"),
        ("data a string", {"success": True, "data": "bye"}, "data: must be a JSON object"),
        ("a string", "Logged out", "body: must be a JSON object (got string)"),
    ],
    "signup": [
        ("no userId", wrapped({"email": "n@acme.test", "message": "ok"}), "missing 'userId'"),
        ("no email", {"userId": USER_ID, "message": "ok"}, "body: missing 'email'"),
    ],
    "health": [
        ("unhealthy", {**HEALTH, "status": "unhealthy"}, "status: must be 'healthy'"),
        ("database down", {**HEALTH, "database": "down"}, "database: must be 'connected'"),
        ("no version", with_change(HEALTH, "version", ...), "body: missing 'version'"),
        ("version a number", {**HEALTH, "version": 1}, "version: must be a string (got integer)"),
        ("HTML page", "<html>OK</html>", "body: must be a JSON object (got string)"),
    ],
    "error": [
        ("success true", {"success": True, "error": "x"}, "success: must be false"),
        ("no error or message", {"success": False}, "body: missing 'error' or 'message'"),
        ("error an object", {"error": {"code": "x"}}, "error: must be a string (got object)"),
        ("empty error", {"error": ""}, "error: must be a non-empty string"),
        ("HTML page", "<html>401</html>", "body: must be a JSON object (got string)"),
        ("empty body", None, "body: must be a JSON object (got null)"),
    ],
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_schema_is_valid_draft_2020_12(endpoint: str) -> None:
    Draft202012Validator.check_schema(schema(endpoint))


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [(endpoint, body) for endpoint, bodies in VALID.items() for body in bodies],
)
def test_schema_accepts_every_variant_the_contract_allows(endpoint: str, body: Any) -> None:
    assert validate(endpoint, body) == []


@pytest.mark.parametrize(
    ("endpoint", "body", "expected"),
    [
        (endpoint, body, expected)
        for endpoint, cases in INVALID.items()
        for _, body, expected in cases
    ],
    ids=[f"{endpoint}-{name}" for endpoint, cases in INVALID.items() for name, *_ in cases],
)
def test_schema_rejects_what_the_contract_does_not_allow(
    endpoint: str, body: Any, expected: str
) -> None:
    problems = validate(endpoint, body)

    assert [p for p in problems if expected in p], problems


def test_every_endpoint_has_valid_and_invalid_examples() -> None:
    assert set(VALID) == set(ENDPOINTS) == set(INVALID)


def test_problem_names_the_missing_user_id_in_the_closest_shape() -> None:
    problems = validate("me", wrapped({"user": {"email": "alice@acme.test"}}))

    assert problems == [
        "data.user: missing 'sub' or 'id' (closest allowed shape: wrapped, user in data.user)"
    ]


def test_problems_of_the_closest_shape_are_all_listed() -> None:
    body = wrapped({**LOGIN, "user": {"email": "x@y.z"}, "accessToken": "opaque"})

    problems = validate("login", body)

    assert [p.split(" (closest")[0] for p in problems] == [
        "data.accessToken: must be a JWT (three base64url parts joined by dots)",
        "data.user: missing 'sub' or 'id'",
    ]


def test_problem_for_a_non_object_body_says_what_it_got() -> None:
    problems = validate("health", "<html>502</html>")

    assert problems[0].startswith("body: must be a JSON object (got string)")


def test_problem_for_a_wrong_type_names_both_types() -> None:
    assert validate("error", {"error": 5}) == ["error: must be a string (got integer)"]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("login", wrapped({**LOGIN, "accessToken": "SECRET-opaque-token-value"})),
        ("login", {**LOGIN, "accessToken": ["SECRET-in-a-list"]}),
        ("refresh", {"accessToken": "SECRET-abc", "refreshToken": 99}),
        ("refresh", {"success": False, "accessToken": "SECRET.x.y", "refreshToken": "SECRET-r"}),
        ("me", {"sub": "SECRET-not-an-email", "email": "SECRET-not-an-email"}),
        ("error", {"error": {"token": "SECRET-token"}}),
        ("health", "SECRET-as-a-whole-body"),
    ],
)
def test_problems_never_quote_values(endpoint: str, body: Any) -> None:
    problems = validate(endpoint, body)

    assert problems
    assert not [p for p in problems if "SECRET" in p]


def test_unknown_endpoint_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown endpoint 'users'"):
        validate("users", {})
