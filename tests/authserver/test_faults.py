"""Injected faults: each mode over real HTTP, plus `times`, `paths` and validation."""

import json
import socket
import time

import pytest
import requests

from authserver.faults import FaultSpecError, parse_fault
from tests.authserver.helpers import get, me, post
from tests.fixtures.authserver import AuthServerError, LocalAuthServer


def test_down_closes_the_connection_without_answer(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("down")
    with pytest.raises(requests.ConnectionError):
        get(auth_server_clean, "/health")
    with pytest.raises(requests.ConnectionError):
        post(auth_server_clean, "login", {"email": "a@b.test", "password": "x"})


def test_delay_answers_normally_after_sleeping(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("delay", delay=0.3, times=2)
    with pytest.raises(requests.ReadTimeout):
        get(auth_server_clean, "/health", timeout=0.1)
    started = time.monotonic()
    response = get(auth_server_clean, "/health")
    assert time.monotonic() - started >= 0.3
    assert response.json()["status"] == "healthy"


def test_trickle_sends_headers_and_body_one_byte_at_a_time(
    auth_server_clean: LocalAuthServer,
) -> None:
    auth_server_clean.fault("trickle", delay=0.01, paths=["/health"], times=1)
    host, port = auth_server_clean.url.removeprefix("http://").rsplit(":", 1)
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = sock.recv(4096)
        rest = b"".join(iter(lambda: sock.recv(4096), b""))

    answer = first + rest
    assert first == b"H"  # the status line itself comes byte by byte
    assert time.monotonic() - started >= (len(answer) - 1) * 0.01
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert json.loads(body)["status"] == "healthy"


def test_status_500_answers_the_error_envelope(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=500)
    response = me(auth_server_clean, auth_server_clean.mint_token("alice@acme.test"))
    assert response.status_code == 500
    assert response.json()["success"] is False
    assert "Retry-After" not in response.headers


def test_status_429_sends_retry_after(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=429, retry_after=7)
    response = post(auth_server_clean, "login", {"email": "a@b.test", "password": "x"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_non_json_answers_an_html_bad_gateway(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("non_json")
    response = get(auth_server_clean, "/api/auth/me")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Bad Gateway" in response.text
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_malformed_json_answers_200_with_truncated_json(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("malformed_json")
    response = me(auth_server_clean, auth_server_clean.mint_token("alice@acme.test"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_times_limits_how_many_requests_fail(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=503, times=2)
    statuses = [get(auth_server_clean, "/health").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_paths_limit_which_requests_fail(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=502, paths=["/api/auth/me"])
    assert get(auth_server_clean, "/health").status_code == 200
    assert get(auth_server_clean, "/api/auth/me").status_code == 502


def test_newest_fault_wins_and_clear_removes_all(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("status", status=500)
    auth_server_clean.fault("status", status=502, times=1)
    assert get(auth_server_clean, "/health").status_code == 502
    assert get(auth_server_clean, "/health").status_code == 500
    auth_server_clean.clear_faults()
    assert get(auth_server_clean, "/health").status_code == 200


def test_faults_never_touch_the_control_api(auth_server_clean: LocalAuthServer) -> None:
    auth_server_clean.fault("down", paths=["/"])
    assert auth_server_clean.calls() == {}
    with pytest.raises(requests.ConnectionError):
        get(auth_server_clean, "/health")


def test_invalid_fault_is_refused_with_400(auth_server_clean: LocalAuthServer) -> None:
    with pytest.raises(AuthServerError, match="400"):
        auth_server_clean.fault("explode")


@pytest.mark.parametrize(
    "spec",
    [
        {"mode": "status", "status": 200},
        {"mode": "status", "status": "500"},
        {"mode": "delay", "delay": -1},
        {"mode": "down", "times": 0},
        {"mode": "down", "paths": ["api"]},
        {"mode": "down", "paths": []},
        {"mode": "status", "retryAfter": True},
    ],
)
def test_parse_fault_rejects_bad_specs(spec: dict[str, object]) -> None:
    with pytest.raises(FaultSpecError):
        parse_fault(spec)


def test_parse_fault_defaults_to_api_and_health_unlimited() -> None:
    fault = parse_fault({"mode": "status"})
    assert (fault.status, fault.paths, fault.remaining) == (500, ("/api/", "/health"), None)
    assert fault.matches("/api/auth/me")
    assert not fault.matches("/__control__/calls")
