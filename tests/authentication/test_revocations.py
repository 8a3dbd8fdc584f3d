"""Signed revocation notifications from the auth server."""

import json
import time

import pytest
from django.contrib.auth import get_user_model

from core.signing import sign
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/auth/revocations"
SECRET = "shared-revocation-secret-for-tests"


@pytest.fixture
def revocations(settings, remote_auth):
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "REVOCATION_SECRET": SECRET}
    return remote_auth


def post(api, payload, *, secret=SECRET, timestamp=None):
    body = json.dumps(payload).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    return api.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_X_AUTH_TIMESTAMP=str(stamp),
        HTTP_X_AUTH_SIGNATURE=sign(secret, stamp, body),
    )


def test_endpoint_is_absent_without_a_secret(remote_auth, api) -> None:
    response = post(api, {"userId": "x", "action": "revoke_tokens"})

    assert response.status_code == 404


def test_signed_revocation_makes_cached_tokens_reverify(revocations, api, demo_users) -> None:
    alice = demo_users["alice"]
    token = revocations.login(alice.email, alice.password)["accessToken"]
    api.get("/api/auth/verify", **bearer(token))
    revocations.reset_calls()

    response = post(api, {"userId": alice.id, "action": "revoke_tokens"})
    again = api.get("/api/auth/verify", **bearer(token))

    assert response.status_code == 200
    assert again.json()["verification"]["source"] == "remote"
    assert revocations.calls("GET /api/auth/me") == 1


def test_disable_user_locks_the_local_user_out(revocations, api, demo_users) -> None:
    alice = demo_users["alice"]
    token = revocations.login(alice.email, alice.password)["accessToken"]
    api.get("/api/auth/verify", **bearer(token))

    post(api, {"userId": alice.id, "action": "disable_user"})
    response = api.get("/api/auth/verify", **bearer(token))

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"
    assert not get_user_model().objects.get(remote_identity__remote_id=alice.id).is_active


def test_bad_signature_is_refused(revocations, api) -> None:
    response = post(api, {"userId": "x", "action": "revoke_tokens"}, secret="wrong-secret")

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"


def test_old_timestamp_is_refused(revocations, api) -> None:
    response = post(
        api, {"userId": "x", "action": "revoke_tokens"}, timestamp=int(time.time()) - 3600
    )

    assert response.status_code == 401
    assert response.json()["code"] == "stale_signature"


def test_replayed_notification_is_refused(revocations, api) -> None:
    payload, stamp = {"userId": "x", "action": "revoke_tokens"}, int(time.time())

    first = post(api, payload, timestamp=stamp)
    replay = post(api, payload, timestamp=stamp)

    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.json()["code"] == "replayed_signature"


def test_signed_but_invalid_body_is_400(revocations, api) -> None:
    response = post(api, {"userId": "x", "action": "delete_everything"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
