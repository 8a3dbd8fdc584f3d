"""Who a page request belongs to: the access cookie verified by core's CookieAuthentication.

A page cannot answer 401: no cookie sends the browser to /login/, an access token whose own `exp`
has passed goes through the refresh endpoint and back, a refused one to /login/ with the cookies
cleared, and an auth server that cannot vouch is a 503 page.
"""

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework import exceptions
from rest_framework.request import Request

from core.authentication import CookieAuthentication, RemoteAuth
from core.tokens import expiry, unverified_claims

from .cookies import access_token, clear_auth_cookies


@dataclass(frozen=True)
class Visitor:
    user: Any
    auth: RemoteAuth


def safe_next(request: HttpRequest, target: str | None) -> str:
    """Return `target` when it stays on this site, else the account page."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def has_expired(token: str) -> bool:
    """Return True when the token's own `exp` has passed (a token without one never has)."""
    exp = expiry(unverified_claims(token))
    return exp is not None and exp <= time.time()


def to(path: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{path}?{urlencode({'next': next_url})}")


def unavailable(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "browser/unavailable.html", status=503)
    response["Retry-After"] = str(wait)
    return response


def visitor(request: HttpRequest) -> Visitor | HttpResponse:
    """Return the signed-in Visitor of a page request, or the response that sends them on."""
    here = request.get_full_path()
    token = access_token(request)
    if token is None:
        return to(str(settings.LOGIN_URL), here)
    if has_expired(token):
        return to(settings.AUTH_REFRESH_PATH, here)
    try:
        result = CookieAuthentication().authenticate(Request(request))
    except (exceptions.AuthenticationFailed, exceptions.PermissionDenied):
        result = None
    except exceptions.APIException as exc:
        return unavailable(request, int(getattr(exc, "wait", None) or 1))
    if result is None:
        response = to(str(settings.LOGIN_URL), here)
        clear_auth_cookies(response)
        return response
    user, auth = result
    assert isinstance(auth, RemoteAuth)
    return Visitor(user, auth)
