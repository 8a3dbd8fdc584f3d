from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests

from saas_admin.errors import BadResponse
from saas_admin.wire import error_fields, json_body, retry_after, unwrap, where


def answer(status=200, body=b"", headers=None, url="http://api.test/api/x?q=1"):
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers.update(headers or {})
    response.request = requests.Request("GET", url).prepare()
    return response


def test_where_names_method_and_path_without_host_or_query():
    assert where(answer()) == "GET /api/x"


def test_json_body_is_none_for_an_empty_answer():
    assert json_body(answer(204)) is None


def test_json_body_refuses_html():
    with pytest.raises(BadResponse, match="not JSON"):
        json_body(answer(200, b"<html>502 Bad Gateway</html>"))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"success": True, "data": {"a": 1}}, {"a": 1}),
        ({"a": 1}, {"a": 1}),
        ({"success": False, "data": {"a": 1}}, {"success": False, "data": {"a": 1}}),
        ([1], [1]),
    ],
)
def test_unwrap_follows_the_contract_rule(body, expected):
    assert unwrap(body) == expected


def test_error_fields_read_saas_admin_errors():
    response = answer(401, b'{"detail": "Token has expired.", "code": "token_expired"}')
    assert error_fields(response) == ("token_expired", "Token has expired.")


def test_error_fields_read_auth_server_errors():
    body = b'{"success": false, "error": "invalid_credentials", "message": "Invalid."}'
    assert error_fields(answer(401, body)) == ("invalid_credentials", "Invalid.")


def test_error_fields_strip_control_characters_and_length():
    body = b'{"detail": "\\u001b[31mred' + b"x" * 500 + b'", "code": 7}'
    code, detail = error_fields(answer(400, body))
    assert code is None
    assert "\x1b" not in detail
    assert len(detail) <= 200


def test_error_fields_fall_back_to_the_status_for_non_json():
    assert error_fields(answer(502, b"<html/>")) == (None, "GET /api/x answered HTTP 502")


@pytest.mark.parametrize(("value", "seconds"), [("7", 7.0), ("0", 0.0), ("-3", 0.0), ("", None)])
def test_retry_after_reads_seconds(value, seconds):
    assert retry_after(answer(503, headers={"Retry-After": value})) == seconds


def test_retry_after_reads_an_http_date():
    when = datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC)
    response = answer(503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    assert retry_after(response, now=lambda: when.timestamp() - 30) == 30.0


def test_retry_after_ignores_garbage():
    assert retry_after(answer(503, headers={"Retry-After": "soon"})) is None
