"""The program: start-up, restart on the same port, clean stop, routing errors, log hygiene."""

from pathlib import Path

import pytest
import requests

from tests.authserver.helpers import bearer, get, post
from tests.fixtures.authserver import AuthServerError, LocalAuthServer, unwrap


def test_restart_keeps_the_port_so_clients_see_down_then_back() -> None:
    server = LocalAuthServer(control=False).start()
    try:
        url = server.url
        assert server.output.startswith(f"authserver listening on {url}\n")
        assert server.stop() == 0  # SIGTERM is a clean shutdown
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/health", timeout=2)
        server.start()
        assert server.url == url
        assert get(server, "/health").status_code == 200
    finally:
        server.stop()


def test_bad_seed_fails_start_with_the_servers_output(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text('{"organizations": [], "users": [{"id": "x"}]}')
    with pytest.raises(AuthServerError, match="cannot start"):
        LocalAuthServer("--seed", str(seed), startup_timeout=5).start()


def test_unknown_path_is_404_json(auth_server_clean: LocalAuthServer) -> None:
    response = get(auth_server_clean, "/api/auth/unknown")
    assert response.status_code == 404
    assert response.json()["success"] is False
    assert response.json()["error"] == "not_found"


def test_wrong_method_is_405_json_with_allow(auth_server_clean: LocalAuthServer) -> None:
    response = requests.delete(f"{auth_server_clean.url}/api/auth/me", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.json()["error"] == "method_not_allowed"


def test_oversized_body_is_413_json(auth_server_clean: LocalAuthServer) -> None:
    response = post(auth_server_clean, "login", data=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["success"] is False


def run_flows(server: LocalAuthServer) -> list[str]:
    """Exercise login, refresh, logout, signup and reset; return every secret involved."""
    secrets = ["demo-password-1", "wrong-password-7", "signup-password-8", "reset-password-9"]
    post(server, "login", {"email": "alice@acme.test", "password": "wrong-password-7"})
    first = server.login("alice@acme.test", "demo-password-1")
    second = unwrap(post(server, "refresh", {"refreshToken": first["refreshToken"]}).json())
    garbage = "eyJhbGciOiJIUzI1NiJ9.not-a-real-token-body.signature-goes-here"
    requests.get(f"{server.url}/api/auth/me", headers=bearer(garbage), timeout=5)
    post(
        server,
        "logout",
        {"refreshToken": second["refreshToken"]},
        headers=bearer(first["accessToken"]),
    )
    signup = {
        "email": "log@corp.test",
        "password": "signup-password-8",
        "firstName": "Log",
        "lastName": "Check",
        "company": "Corp",
    }
    post(server, "signup", signup)
    post(server, "forgot-password", {"email": "alice@acme.test"})
    reset = server.codes("alice@acme.test")["resetToken"]
    post(server, "reset-password", {"token": reset, "password": "reset-password-9"})
    tokens = [first["accessToken"], first["refreshToken"], second["accessToken"]]
    return secrets + tokens + [second["refreshToken"], garbage]


def test_log_never_contains_passwords_or_tokens() -> None:
    server = LocalAuthServer().start()
    try:
        secrets = run_flows(server)
    finally:
        server.stop()
    log = server.output
    assert "POST /api/auth/login 200" in log  # the capture works
    assert "POST /api/auth/reset-password 200" in log
    for secret in secrets:
        assert secret not in log
    assert "eyJ" not in log  # not even a JWT prefix
