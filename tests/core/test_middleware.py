"""DegradedAuthHeaderMiddleware: flag answers whose caller the auth server did not vouch for just now."""

from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory

from core.authentication import RemoteAuth
from core.identity import Identity
from core.middleware import HEADER, DegradedAuthHeaderMiddleware
from core.vocabulary import Source


def remote_auth(source: Source) -> RemoteAuth:
    return RemoteAuth(Identity(remote_id="u1"), source, 1_700_000_000.0, "0123456789ab")


def respond(auth: Any = None, *, status: int = 200) -> HttpResponse:
    """Run the middleware around a view that authenticated the request with `auth`."""

    def view(request: HttpRequest) -> HttpResponse:
        if auth is not None:
            request.auth = auth  # type: ignore[attr-defined]  # as DRF sets it on HttpRequest
        return JsonResponse({}, status=status)

    return DegradedAuthHeaderMiddleware(view)(RequestFactory().get("/"))


@pytest.mark.parametrize("source", ["grace", "degraded"])
def test_answers_accepted_without_the_auth_server_are_flagged(source: Source) -> None:
    assert respond(remote_auth(source))[HEADER] == source


@pytest.mark.parametrize("source", ["memory", "redis", "remote"])
def test_vouched_answers_carry_no_flag(source: Source) -> None:
    assert not respond(remote_auth(source)).has_header(HEADER)


@pytest.mark.parametrize("auth", [None, "a-simplejwt-token-object", {"source": "grace"}])
def test_requests_not_remotely_authenticated_carry_no_flag(auth: Any) -> None:
    assert not respond(auth).has_header(HEADER)


def test_the_flag_is_kept_on_error_answers() -> None:
    response = respond(remote_auth("grace"), status=403)

    assert response.status_code == 403
    assert response[HEADER] == "grace"


def test_the_middleware_is_installed() -> None:
    assert "core.middleware.DegradedAuthHeaderMiddleware" in settings.MIDDLEWARE
