"""The contract checks, written once and run against a live server or the local stand-in.

What SaaS Admin needs of the auth server fails a check; what it copes with, although the contract
(docs/auth-server-contract.md) describes it otherwise, is a `ContractDeviation` warning.

`ContractChecks` is not collected itself; test modules subclass it and provide `target`.
Its assertions are not rewritten by pytest on purpose: every message is written out and
names statuses and fields only, so no token can appear in a failure report (or `-ra`).
"""

import time
import uuid
import warnings
from typing import Any

import jwt
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.contract import validate
from core.identity import normalize
from core.models import RemoteIdentity
from core.wiring import default_cache

from .conftest import Answer, LiveSession, Target, Upstream, unique_email
from .secrets import Secret

# Signed with a key the server cannot have: a JWT-shaped token it must refuse.
FORGED = jwt.encode(
    {"sub": "contract-check", "exp": int(time.time()) + 3600},
    f"not-the-auth-server-key-{uuid.uuid4().hex}",
    algorithm="HS256",
)


class ContractDeviation(UserWarning):
    """An answer SaaS Admin copes with, although the contract describes it otherwise."""


def warn_unless_matches(endpoint: str, answer: Answer) -> None:
    """Warn with the contract problems of an answer (they name fields, never values)."""
    problems = validate(endpoint, answer.body) if answer.is_json else ["body: not JSON"]
    if problems:
        warnings.warn(ContractDeviation(f"{endpoint}: {problems}"), stacklevel=2)


def is_about_the_token(answer: Answer) -> bool:
    """Return whether SaaS Admin reads this refusal as about the token (a 401 for the caller)."""
    client_error = 400 <= answer.status < 500 and answer.status not in (408, 429)
    return answer.status == 401 or (client_error and answer.is_json)


def verify(api: APIClient, token: Secret | None) -> Any:
    """Ask SaaS Admin who the token belongs to: GET /api/auth/verify."""
    assert token is not None, "no access token to verify"
    return api.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {token.reveal()}")


class ContractChecks:
    """Check what SaaS Admin needs of an auth server (failures) and what the contract describes
    (warnings), then SaaS Admin's verification against it."""

    def test_health_answers_below_500(self, upstream: Upstream) -> None:
        answer = upstream.get("/health")

        assert answer.status < 500, f"/health answered HTTP {answer.status}"
        if answer.status == 200:
            warn_unless_matches("health", answer)
        else:
            warnings.warn(ContractDeviation(f"health: HTTP {answer.status}"), stacklevel=1)

    def test_login_gives_an_access_token(self, session: LiveSession) -> None:
        assert session.access is not None, "the login answer has no accessToken"
        warn_unless_matches("login", session.login)

    def test_me_names_the_user_who_logged_in(
        self, upstream: Upstream, session: LiveSession
    ) -> None:
        answer = upstream.get("/api/auth/me", token=session.access)

        assert answer.status == 200, f"/me answered HTTP {answer.status} for a fresh token"
        warn_unless_matches("me", answer)
        same = (
            session.remote_id is not None and normalize(answer.body).remote_id == session.remote_id
        )
        assert same, "/me names no user, or another user than the one who logged in"

    def test_refresh_gives_a_working_access_token(
        self, upstream: Upstream, session: LiveSession
    ) -> None:
        if session.refresh is None:
            pytest.skip("refresh not offered by this server: its login gave no refreshToken")

        answer = upstream.post("/api/auth/refresh", {"refreshToken": session.refresh})

        assert answer.status == 200, f"/refresh answered HTTP {answer.status}"
        assert answer.secret("accessToken") is not None, "the refresh answer has no accessToken"
        warn_unless_matches("refresh", answer)
        session.rotate(answer)
        me = upstream.get("/api/auth/me", token=session.access)
        assert me.status == 200, f"/me answered HTTP {me.status} for the refreshed access token"

    def test_logout_revokes_the_access_token(
        self, upstream: Upstream, session: LiveSession
    ) -> None:
        answer = session.logout()

        assert answer.ok, f"/logout answered HTTP {answer.status}"
        warn_unless_matches("logout", answer)
        me = upstream.get("/api/auth/me", token=session.access)
        assert is_about_the_token(me), f"after logout /me answered HTTP {me.status}"

    def test_bad_password_is_refused(self, target: Target, upstream: Upstream) -> None:
        email, _ = target.credentials()
        wrong = f"not-the-password-{uuid.uuid4().hex}"

        answer = upstream.post("/api/auth/login", {"email": email, "password": wrong})

        assert answer.status == 401, f"a wrong password answered HTTP {answer.status}"
        warn_unless_matches("error", answer)

    def test_bad_token_is_refused_as_about_the_token(self, upstream: Upstream) -> None:
        answer = upstream.get("/api/auth/me", token=Secret(FORGED))

        assert is_about_the_token(answer), f"a forged token answered HTTP {answer.status}"
        warn_unless_matches("error", answer)

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
        warn_unless_matches("signup", answer)

    @pytest.mark.django_db
    def test_saas_admin_verifies_mirrors_and_follows_an_upstream_logout(
        self, target: Target, upstream: Upstream, session: LiveSession
    ) -> None:
        api = APIClient()
        with pointed_at(target):
            response = verify(api, session.access)
            assert response.status_code == 200, f"verify answered {response.status_code}"
            same = response.json()["user"]["remoteId"] == session.remote_id
            assert same, "verify names another user"
            mirrored = RemoteIdentity.objects.filter(remote_id=session.remote_id).exists()
            assert mirrored, "SaaS Admin did not mirror the remote user"

            assert session.logout().ok, "the auth server refused the logout"
            me = upstream.get("/api/auth/me", token=session.access)
            assert is_about_the_token(me), f"after logout the auth server answers {me.status}"
            cache = default_cache()
            assert session.access is not None
            cache.evict(cache.token_key(session.access.reveal()))  # make SaaS Admin ask again
            response = verify(api, session.access)

        assert response.status_code == 401, f"after logout verify answered {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer"), "401 without WWW-Authenticate"

    @pytest.mark.django_db
    def test_saas_admin_logout_revokes_here_and_upstream(
        self, target: Target, upstream: Upstream, session: LiveSession
    ) -> None:
        api = APIClient()
        body = {"refreshToken": session.refresh.reveal()} if session.refresh else {}
        assert session.access is not None
        with pointed_at(target):
            assert verify(api, session.access).status_code == 200, "verify refused a fresh token"
            out = api.post(
                "/api/auth/logout",
                body,
                format="json",
                HTTP_AUTHORIZATION=f"Bearer {session.access.reveal()}",
            )
            session.closed = True
            assert out.status_code == 200, f"SaaS Admin's logout answered {out.status_code}"
            assert out.json()["upstreamConfirmed"] is True, "the auth server did not confirm"
            after = verify(api, session.access)

        assert after.status_code == 401, f"after logout verify answered {after.status_code}"
        me = upstream.get("/api/auth/me", token=session.access)
        assert is_about_the_token(me), f"after logout the auth server answers {me.status}"


def pointed_at(target: Target) -> Any:
    """Return a settings override pointing SaaS Admin's REMOTE_AUTH at the target."""
    from django.conf import settings

    return override_settings(REMOTE_AUTH={**settings.REMOTE_AUTH, "BASE_URL": target.url})
