"""`manage.py check_auth_server` against the local auth server over real HTTP, healthy and faulty."""

import io
import json
import re
import socket
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.contract.network import parse_url
from core.contract.probe import Probe, percentile
from core.management.commands.check_auth_server import Command
from tests.fixtures.ports import reserved_port

JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.")
HEALTH = {"status": "healthy", "version": "1.0", "environment": "test", "database": "connected"}


@dataclass
class Run:
    """What one run of the command printed, and the exit status it asked for."""

    out: str
    err: str
    status: int
    message: str = ""

    def everything(self) -> str:
        return self.out + self.err + self.message


def check(*args: str, stdin: str = "") -> Run:
    """Run the command; return its output and its exit status (0, or CommandError's)."""
    out, err = io.StringIO(), io.StringIO()
    options: dict[str, Any] = {"stdout": out, "stderr": err, "stdin": io.StringIO(stdin)}
    try:
        call_command("check_auth_server", *args, no_color=True, **options)
    except CommandError as exc:
        return Run(out.getvalue(), err.getvalue(), exc.returncode, str(exc))
    return Run(out.getvalue(), err.getvalue(), 0)


def assert_no_secrets(run: Run, *secrets: str) -> None:
    text = run.everything()
    assert not JWT.search(text), "the output carries a JWT"
    assert not [secret for secret in secrets if secret in text], "the output carries a secret"


@pytest.fixture
def server(auth_server_clean: Any) -> Any:
    return auth_server_clean


# -- healthy ---------------------------------------------------------------------------------


def test_healthy_server_exits_0_with_a_report(server: Any) -> None:
    run = check("--url", server.url)

    assert run.status == 0
    for step in ("dns", "tcp", "tls", "health", "latency"):
        assert re.search(rf"^  ok +{step} ", run.out, re.MULTILINE), step
    assert "loopback" in run.out
    assert "5 calls of /health: p50" in run.out
    assert run.out.rstrip().endswith("OK: every check passed (exit status 0).")
    assert server.calls("GET /health") == 5


def test_default_url_is_remote_auth_base_url(server: Any, settings: Any) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BASE_URL": server.url}

    run = check("--samples", "1")

    assert run.status == 0
    assert run.out.startswith(f"Auth server {server.url}")


def test_samples_sets_the_number_of_health_calls(server: Any) -> None:
    run = check("--url", server.url, "--samples", "3")

    assert "3 calls of /health" in run.out
    assert server.calls("GET /health") == 3


def test_json_report_is_machine_readable(server: Any) -> None:
    run = check("--url", server.url, "--samples", "2", "--json")

    report = json.loads(run.out)
    assert report["ok"] is True
    assert report["exitStatus"] == 0
    assert [step["name"] for step in report["steps"]] == ["dns", "tcp", "tls", "health", "latency"]
    latency = report["steps"][-1]
    assert latency["samples"] == 2
    assert latency["p50Ms"] <= latency["p90Ms"] <= latency["maxMs"]


def test_verbosity_0_prints_no_report(server: Any) -> None:
    assert check("--url", server.url, "--samples", "1", "--verbosity", "0").out == ""


# -- sessions --------------------------------------------------------------------------------


def test_credentials_log_in_check_me_and_log_out(server: Any, demo_users: Any) -> None:
    alice = demo_users["alice"]

    run = check(
        "--url", server.url, "--samples", "1", "--email", alice.email, "--password-stdin",
        stdin=alice.password + "\n",
    )  # fmt: skip

    assert run.status == 0, run.message
    assert "logged in as alice@acme.test (refresh token offered)" in run.out
    assert (
        f"remote id {alice.id}, email alice@acme.test, organization {alice.org} (Acme Corp)"
        in run.out
    )
    assert re.search(r"^  ok +logout ", run.out, re.MULTILINE)
    assert server.calls("GET /api/auth/me") == 1
    assert server.calls("POST /api/auth/logout") == 1
    assert_no_secrets(run, alice.password)


@pytest.mark.parametrize(
    "shape",
    [
        {"envelope": "bare", "me_shape": "user", "user_id_key": "id"},
        {"envelope": "bare", "me_shape": "body"},
        {"me_shape": "data", "user_id_key": "id"},
    ],
)
def test_every_response_shape_passes(server: Any, demo_users: Any, shape: dict[str, str]) -> None:
    server.configure(**shape)
    alice = demo_users["alice"]

    run = check(
        "--url", server.url, "--samples", "1", "--email", alice.email, "--password-stdin",
        stdin=alice.password,
    )  # fmt: skip

    assert run.status == 0, run.message
    assert f"remote id {alice.id}" in run.out


def test_json_report_carries_the_identity_not_the_token(server: Any, demo_users: Any) -> None:
    alice = demo_users["alice"]

    run = check(
        "--url", server.url, "--samples", "1", "--json", "--email", alice.email,
        "--password-stdin", stdin=alice.password,
    )  # fmt: skip

    identity = json.loads(run.out)["identity"]
    assert identity["remoteId"] == alice.id
    assert identity["organization"] == {"id": alice.org, "name": "Acme Corp"}
    assert_no_secrets(run, alice.password)


def test_token_from_stdin_checks_me_without_logging_out(server: Any, demo_users: Any) -> None:
    alice = demo_users["alice"]
    token = server.login(alice.email, alice.password)["accessToken"]

    run = check("--url", server.url, "--samples", "1", "--token-stdin", stdin=f"{token}\n")

    assert run.status == 0, run.message
    assert f"remote id {alice.id}" in run.out
    assert server.calls("POST /api/auth/logout") == 0
    assert_no_secrets(run, token)


def test_wrong_password_exits_6_with_a_clear_message(server: Any, demo_users: Any) -> None:
    alice = demo_users["alice"]

    run = check(
        "--url", server.url, "--samples", "1", "--email", alice.email, "--password-stdin",
        stdin="not-the-password",
    )  # fmt: skip

    assert run.status == 6
    assert "login refused (HTTP 401 'invalid_credentials'): wrong e-mail or password" in run.message
    assert "FAILED at login (bad_credentials): exit status 6." in run.out
    assert_no_secrets(run, "not-the-password")


def test_unverified_account_exits_6_as_forbidden(server: Any, demo_users: Any) -> None:
    dave = demo_users["dave"]

    run = check(
        "--url", server.url, "--samples", "1", "--email", dave.email, "--password-stdin",
        stdin=dave.password,
    )  # fmt: skip

    assert run.status == 6
    assert "HTTP 403 'email_not_verified'" in run.message
    assert_no_secrets(run, dave.password)


def test_refused_token_exits_6(server: Any, demo_users: Any) -> None:
    token = server.mint_token(demo_users["alice"].id, ttl=-60)

    run = check("--url", server.url, "--samples", "1", "--token-stdin", stdin=token)

    assert run.status == 6
    assert "the token was refused (HTTP 401 'token_expired')" in run.message
    assert_no_secrets(run, token)


def test_me_outage_still_closes_the_session(server: Any, demo_users: Any) -> None:
    alice = demo_users["alice"]
    server.fault("status", status=500, paths=["/api/auth/me"])

    run = check(
        "--url", server.url, "--samples", "1", "--email", alice.email, "--password-stdin",
        stdin=alice.password,
    )  # fmt: skip

    assert run.status == 4
    assert run.message == "me: HTTP 500: the auth server failed"
    assert server.calls("POST /api/auth/logout") == 1


# -- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        ({"mode": "down"}, 3, "health: the connection was closed without an answer"),
        ({"mode": "status", "status": 500}, 4, "health: HTTP 500: the auth server failed"),
        ({"mode": "status", "status": 503}, 4, "reports itself unhealthy"),
        (
            {"mode": "status", "status": 429, "retry_after": 7},
            4,
            "rate limited (HTTP 429, Retry-After 7s)",
        ),
        ({"mode": "non_json"}, 4, "HTTP 502 with a non-JSON body (text/html): probably a proxy's"),
    ],
    ids=["down", "500", "503", "429", "html-502"],
)
def test_faulty_server_exits_non_zero_with_a_clear_message(
    server: Any, fault: dict[str, Any], status: int, message: str
) -> None:
    server.fault(fault.pop("mode"), **fault)

    run = check("--url", server.url, "--samples", "1")

    assert run.status == status
    assert message in run.message
    assert f"exit status {status}." in run.out


def test_timeout_exits_3(server: Any) -> None:
    server.fault("delay", delay=0.2)

    run = check("--url", server.url, "--samples", "1", "--read-timeout", "0.05")

    assert run.status == 3
    assert run.message == "health: no answer within the 0.05s read timeout"


def test_connection_refused_exits_3() -> None:
    port = reserved_port()

    run = check("--url", f"http://127.0.0.1:{port}")

    assert run.status == 3
    assert run.message == f"tcp: connection refused by 127.0.0.1:{port}: nothing listens there"


def test_unresolvable_host_exits_3() -> None:
    run = check("--url", "http://auth.saas-admin.invalid:4000")

    assert run.status == 3
    assert run.message.startswith("dns: cannot resolve auth.saas-admin.invalid")


def test_tls_error_exits_3(server: Any) -> None:
    run = check("--url", server.url.replace("http://", "https://"))

    assert run.status == 3
    assert run.message.startswith("tls: TLS handshake failed")


def test_health_body_off_contract_warns_once_per_missing_field_and_exits_0(
    fixed_upstream: Any,
) -> None:
    url = fixed_upstream({"status": "ok"})

    run = check("--url", url, "--samples", "2")

    assert run.status == 0
    assert re.search(r"^  warn +health +HTTP 200 \(status 'ok'\); differs from", run.out, re.M)
    problems = [line for line in run.out.splitlines() if line.startswith("          - ")]
    assert problems == [
        "          - body: missing 'version', 'environment', 'database' (closest allowed shape: bare)",
        "          - status: must be 'healthy' (closest allowed shape: bare)",
    ]
    assert re.search(r"^  ok +latency +2 calls", run.out, re.MULTILINE)


def test_integer_user_ids_pass_because_the_service_mirrors_them(fixed_upstream: Any) -> None:
    url = fixed_upstream({**HEALTH, "id": 42})

    run = check("--url", url, "--samples", "1", "--token-stdin", stdin="opaque-token")

    assert run.status == 0, run.message
    assert re.search(r"^  ok +me +remote id 42", run.out, re.MULTILINE)


def test_me_without_a_user_id_fails_because_the_service_needs_one(fixed_upstream: Any) -> None:
    url = fixed_upstream({**HEALTH, "email": "a@b.c"})

    run = check("--url", url, "--samples", "1", "--token-stdin", stdin="opaque-token")

    assert run.status == 5
    assert run.message.startswith("me: ")


def test_a_me_path_answering_a_404_page_asks_whether_it_is_mapped(server: Any) -> None:
    server.fault("status", status=404, paths=["/api/auth/me"])  # a JSON 404: about the token
    token_run = check("--url", server.url, "--samples", "1", "--token-stdin", stdin="t.o.k")
    server.clear_faults()
    server.fault("non_json", status=404, paths=["/api/auth/me"])

    run = check("--url", server.url, "--samples", "1", "--token-stdin", stdin="t.o.k")

    assert token_run.status == 6
    assert run.status == 4
    assert "HTTP 404 with a non-JSON body (text/html)" in run.message
    assert "is /api/auth/me mapped to the auth server?" in run.message


def test_a_health_path_answering_404_warns_and_exits_0(fixed_upstream: Any) -> None:
    url = fixed_upstream({"detail": "Not found."}, status=404)

    run = check("--url", url, "--samples", "1")

    assert run.status == 0, run.message
    assert "warn  health   HTTP 404 on /health: this service counts any answer below 500" in run.out


def test_a_health_answer_that_is_not_json_warns_and_exits_0(server: Any) -> None:
    server.fault("malformed_json", paths=["/health"])

    run = check("--url", server.url, "--samples", "1")

    assert run.status == 0, run.message
    assert "warn  health   an answer that is not JSON on /health" in run.out


def test_plain_http_to_a_remote_host_warns() -> None:
    probe = Probe(parse_url("http://auth.example.com:4000"), connect_timeout=1, read_timeout=1)

    with socket.socket() as unused:  # plain HTTP never touches the socket
        step = probe.tls(unused, ["203.0.113.9"])

    assert step.status == "warn"
    assert "non-loopback host" in step.summary


# -- usage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--url", "ftp://auth.example.com"], "", "--url: not an http(s) URL"),
        (["--url", "http://auth:99999"], "", "--url: the URL's port is not a number"),
        (["--samples", "0"], "", "--samples must be from 1 to 50"),
        (["--samples", "51"], "", "--samples must be from 1 to 50"),
        (["--read-timeout", "-1"], "", "timeouts must be positive"),
        (["--connect-timeout", "0"], "", "timeouts must be positive"),
        (["--password-stdin"], "pw", "--password-stdin needs --email"),
        (["--token-stdin"], "\n", "expected an access token on standard input"),
        (["--email", "a@b.c", "--password-stdin"], "", "expected a password on standard input"),
    ],
)
def test_usage_errors_exit_2_before_any_request(args: list[str], stdin: str, message: str) -> None:
    run = check(*args, stdin=stdin)

    assert run.status == 2
    assert message in run.message
    assert run.out == ""


def test_help_documents_the_exit_statuses() -> None:
    help_text = Command().create_parser("manage.py", "check_auth_server").format_help()

    for line in (
        "0  this service works with this server",
        "3  unreachable",
        "4  unavailable",
        "6  rejected",
    ):
        assert line in help_text


def test_percentile_is_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]

    assert (percentile(values, 0.5), percentile(values, 0.9), percentile([7.0], 0.9)) == (
        3.0,
        5.0,
        7.0,
    )


def test_percentile_of_no_values_is_zero_and_share_one_is_the_maximum() -> None:
    assert (percentile([], 0.5), percentile([2.0, 9.0, 4.0], 1.0)) == (0.0, 9.0)
