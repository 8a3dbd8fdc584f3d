"""Metrics, request ids and JSON log lines."""

import json
import logging

import pytest
from rest_framework.test import APIClient

from apps.observability.logs import JsonFormatter
from core.logcontext import ContextFilter, current
from tests.conftest import bearer
from tests.resilience.helpers import garbage_token

pytestmark = pytest.mark.django_db


def sample(api: APIClient, name: str, **labels: str) -> float:
    body = api.get("/metrics").content.decode()
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in body.splitlines():
        metric, _, value = line.rpartition(" ")
        if metric in (f"{name}{{{wanted}}}", name if not labels else ""):
            return float(value)
    return 0.0


def test_metrics_move_as_requests_succeed_and_fail(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    token = remote_auth.login(alice.email, alice.password)["accessToken"]
    before = {
        "remote": sample(api, "saas_auth_verifications_total", outcome="ok", source="remote"),
        "memory": sample(api, "saas_auth_verifications_total", outcome="ok", source="memory"),
        "rejected": sample(
            api, "saas_auth_verifications_total", outcome="rejected", source="remote"
        ),
        "user": sample(api, "saas_auth_sync_writes_total", model="user", kind="create"),
    }

    api.get("/api/auth/verify", **bearer(token))
    api.get("/api/auth/verify", **bearer(token))
    api.get("/api/auth/verify", **bearer("not-a-token"))

    assert (
        sample(api, "saas_auth_verifications_total", outcome="ok", source="remote")
        == before["remote"] + 1
    )
    assert (
        sample(api, "saas_auth_verifications_total", outcome="ok", source="memory")
        == before["memory"] + 1
    )
    assert (
        sample(api, "saas_auth_verifications_total", outcome="rejected", source="remote")
        == before["rejected"] + 1
    )
    assert (
        sample(api, "saas_auth_sync_writes_total", model="user", kind="create")
        == before["user"] + 1
    )
    assert (
        sample(api, "saas_auth_server_request_seconds_count", path="/api/auth/me", outcome="200")
        >= 1
    )
    assert sample(api, "saas_auth_breaker_state") == 0
    assert 0 < sample(api, "saas_auth_cache_hit_ratio") < 1


def test_breaker_state_is_exported(remote_auth, api, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "BREAKER_THRESHOLD": 2}
    remote_auth.fault("status", status=500)

    for token in (garbage_token(), garbage_token()):
        assert api.get("/api/auth/verify", **bearer(token)).status_code == 503

    assert sample(api, "saas_auth_breaker_state") == 2


def test_metrics_are_not_public(api, settings) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]

    assert api.get("/metrics").status_code == 404


def test_metrics_stay_private_behind_a_same_host_proxy(api, settings) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "TRUSTED_PROXIES": ["127.0.0.1/32"]}

    public = api.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    local = api.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert public.status_code == 404
    assert local.status_code == 200


def test_a_spoofed_x_forwarded_for_never_opens_metrics(api, settings) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]

    response = api.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.1")

    assert response.status_code == 404


def test_request_id_is_accepted_or_generated_and_returned(api) -> None:
    given = api.get("/health/", HTTP_X_REQUEST_ID="abc-123")
    made = api.get("/health/", HTTP_X_REQUEST_ID="bad id with spaces")

    assert given["X-Request-ID"] == "abc-123"
    assert made["X-Request-ID"] != "bad id with spaces"
    assert len(made["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("fault", "status", "line"),
    [(None, 401, "Unauthorized: /api/auth/verify"), ("down", 503, "Service Unavailable: /api/")],
)
def test_djangos_own_error_lines_carry_the_request_id(
    remote_auth, api, fault, status, line
) -> None:
    if fault:
        remote_auth.fault(fault)
    token = remote_auth.mint_token("alice@acme.test", ttl=-60 if not fault else None)
    seen: list[tuple[str, object]] = []
    handler = logging.Handler()
    handler.addFilter(ContextFilter())
    handler.emit = lambda record: seen.append(  # type: ignore[method-assign]
        (record.getMessage(), getattr(record, "request_id", None))
    )
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = api.get("/api/auth/verify", HTTP_X_REQUEST_ID="req-77", **bearer(token))
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert response.status_code == status
    assert [rid for message, rid in seen if message.startswith(line)] == ["req-77"]
    assert current() == {}  # cleared once the response was closed


def test_json_log_line_carries_request_context_and_no_token(remote_auth, api, demo_users) -> None:
    alice = demo_users["alice"]
    token = remote_auth.login(alice.email, alice.password)["accessToken"]
    lines: list[str] = []
    handler = logging.Handler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("core.verification")
    logger.addHandler(handler)
    try:
        api.get("/api/auth/verify", HTTP_X_REQUEST_ID="req-42", **bearer(token))
    finally:
        logger.removeHandler(handler)

    record = json.loads(lines[-1])
    assert record["request_id"] == "req-42"
    assert record["user_id"] == alice.id
    assert record["auth_source"] == "remote"
    assert len(record["token_fp"]) == 12
    assert all(token not in line and token[:40] not in line for line in lines)
