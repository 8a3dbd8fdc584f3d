"""The contract checks, written once and run against a live server or the local stand-in.

`ContractChecks` is not collected itself; test modules subclass it and provide `target`.
Its assertions are not rewritten by pytest on purpose: every message is written out and
names statuses and fields only, so no token can appear in a failure report (or `-ra`).
"""

import time
import uuid
from typing import Any

import jwt
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.contract import validate
from core.defaults import default_cache
from core.identity import normalize, unwrap
from core.models import RemoteIdentity

from .conftest import Answer, LiveSession, Target, Upstream, unique_email

# Signed with a key the server cannot have: a JWT-shaped token it must refuse.
FORGED = jwt.encode(
    {"sub": "contract-check", "exp": int(time.time()) + 3600},
    f"not-the-auth-server-key-{uuid.uuid4().hex}",
    algorithm="HS256",
)


def assert_matches(endpoint: str, answer: Answer) -> None:
    """Fail with the contract problems of an answer (they name fields, never values)."""
    assert answer.is_json, f"the {endpoint} answer (HTTP {answer.status}) is not JSON"
    problems = validate(endpoint, answer.body)
    assert not problems, f"the {endpoint} answer breaks the contract: {problems}"


def verify(api: APIClient, token: str) -> Any:
    """Ask SaaS Admin who the token belongs to: GET /api/auth/verify."""
    return api.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {token}")


class ContractChecks:
    """Check an auth server against the contract, then SaaS Admin's verification against it."""

    def test_health_matches_contract(self, upstream: Upstream) -> None:
        answer = upstream.get("/health")

        assert answer.status == 200, f"/health answered HTTP {answer.status}"
        assert_matches("health", answer)

    def test_login_matches_contract(self, session: LiveSession) -> None:
        assert_matches("login", session.login)

    def test_me_matches_contract_and_names_the_user_who_logged_in(
        self, upstream: Upstream, session: LiveSession
    ) -> None:
        answer = upstream.get("/api/auth/me", token=session.access)

        assert answer.status == 200, f"/me answered HTTP {answer.status} for a fresh token"
        assert_matches("me", answer)
        same = normalize(answer.body).remote_id == session.remote_id
        assert same, "/me names another user than the one who logged in"

    def test_refresh_matches_contract(self, upstream: Upstream, session: LiveSession) -> None:
        if session.refresh is None:
            pytest.skip("refresh not offered by this server: its login gave no refreshToken")

        answer = upstream.post("/api/auth/refresh", {"refreshToken": session.refresh})

        assert answer.status == 200, f"/refresh answered HTTP {answer.status}"
        assert_matches("refresh", answer)
        session.rotate(unwrap(answer.body))
        me = upstream.get("/api/auth/me", token=session.access)
        assert me.status == 200, f"/me answered HTTP {me.status} for the refreshed access token"

    def test_logout_matches_contract(self, session: LiveSession) -> None:
        answer = session.logout()

        assert answer.ok, f"/logout answered HTTP {answer.status}"
        assert_matches("logout", answer)

    def test_bad_password_answers_401_with_an_error_body(
        self, target: Target, upstream: Upstream
    ) -> None:
        email, _ = target.credentials()
        wrong = f"not-the-password-{uuid.uuid4().hex}"

        answer = upstream.post("/api/auth/login", {"email": email, "password": wrong})

        assert answer.status == 401, f"a wrong password answered HTTP {answer.status}"
        assert_matches("error", answer)

    def test_bad_token_answers_401_with_an_error_body(self, upstream: Upstream) -> None:
        answer = upstream.get("/api/auth/me", token=FORGED)

        assert answer.status == 401, f"a forged token answered HTTP {answer.status}"
        assert_matches("error", answer)

    def test_signup_matches_contract(self, target: Target, upstream: Upstream) -> None:
        if not target.allow_signup:
            pytest.skip("signup creates an account nobody can delete: AUTH_LIVE_ALLOW_SIGNUP=1")
        body = {
            "email": unique_email(),
            "password": f"Contract-check-{uuid.uuid4().hex}",
            "firstName": "Contract",
            "lastName": "Check",
            "company": "SaaS Admin contract check",
        }

        answer = upstream.post("/api/auth/signup", body)

        assert answer.status == 201, f"signup answered HTTP {answer.status}"
        assert_matches("signup", answer)

    @pytest.mark.django_db
    def test_saas_admin_verifies_mirrors_and_follows_an_upstream_logout(
        self, target: Target, upstream: Upstream, session: LiveSession
    ) -> None:
        api = APIClient()
        with pointed_at(target):
            response = verify(api, session.access)
            assert response.status_code == 200, f"verify answered {response.status_code}"
            assert response.json()["user"]["remoteId"] == session.remote_id, "verify: other user"
            mirrored = RemoteIdentity.objects.filter(remote_id=session.remote_id).exists()
            assert mirrored, "SaaS Admin did not mirror the remote user"

            assert session.logout().ok, "the auth server refused the logout"
            me = upstream.get("/api/auth/me", token=session.access)
            assert me.status == 401, f"after logout the auth server still answers {me.status}"
            cache = default_cache()
            cache.evict(cache.token_key(session.access))  # make SaaS Admin ask again
            response = verify(api, session.access)

        assert response.status_code == 401, f"after logout verify answered {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer"), "401 without WWW-Authenticate"

    @pytest.mark.django_db
    def test_saas_admin_logout_revokes_here_and_upstream(
        self, target: Target, upstream: Upstream, session: LiveSession
    ) -> None:
        api = APIClient()
        body = {"refreshToken": session.refresh} if session.refresh else {}
        with pointed_at(target):
            assert verify(api, session.access).status_code == 200, "verify refused a fresh token"
            out = api.post(
                "/api/auth/logout",
                body,
                format="json",
                HTTP_AUTHORIZATION=f"Bearer {session.access}",
            )
            session.closed = True
            assert out.status_code == 200, f"SaaS Admin's logout answered {out.status_code}"
            after = verify(api, session.access)

        assert after.status_code == 401, f"after logout verify answered {after.status_code}"
        me = upstream.get("/api/auth/me", token=session.access)
        assert me.status == 401, f"after logout the auth server still answers {me.status}"


def pointed_at(target: Target) -> Any:
    """Return a settings override pointing SaaS Admin's REMOTE_AUTH at the target."""
    from django.conf import settings

    return override_settings(REMOTE_AUTH={**settings.REMOTE_AUTH, "BASE_URL": target.url})
