"""The browser pages: /login/, /logout/, the refresh endpoint and /account/ (README "Signing in
with a browser"). They reuse the API's login (apps.authentication.login.sign_in), its throttles and
core's verification; only the transport differs: a form and HttpOnly cookies instead of JSON."""

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import exceptions

from apps.authentication.login import close_session, gate_for, sign_in
from apps.authentication.throttling import PASSWORD_THROTTLES, RefreshRateThrottle, refusal
from apps.organizations.permissions import find_membership
from apps.subscriptions.models import Subscription
from apps.subscriptions.presenters import subscription_json
from apps.subscriptions.rules import grace_period
from core.authentication import TooManyUnverifiedTokens
from core.revocation import revoke_token
from core.wiring import default_client

from .cookies import access_token, clear_auth_cookies, refresh_cookie, set_auth_cookies
from .forms import LoginForm
from .pages import Visitor, has_expired, safe_next, to, unavailable, visitor
from .refresh import refresh_once

FAILED = "Those credentials were not accepted."
THROTTLED = "Too many attempts; try again later."
UNAVAILABLE = "Sign-in is unavailable right now; try again shortly."


def login_failed(request: HttpRequest, form: LoginForm, message: str, status: int) -> HttpResponse:
    return render(request, "browser/login.html", {"form": form, "error": message}, status=status)


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: sign in at the auth server, set both cookies, 302 to `next`."""
    if request.method == "GET":
        form = LoginForm(initial={"next": safe_next(request, request.GET.get("next"))})
        return render(request, "browser/login.html", {"form": form})
    form = LoginForm(request.POST)
    waits = [wait for wait in (refusal(cls(), request) for cls in PASSWORD_THROTTLES) if wait]
    if waits:
        response = login_failed(request, form, THROTTLED, 429)
        response["Retry-After"] = str(math.ceil(max(waits)))
        return response
    if not form.is_valid():
        return login_failed(request, form, FAILED, 400)
    data = form.cleaned_data
    try:
        signed_in = sign_in(gate_for(request.META), data["email"], data["password"])
    except exceptions.Throttled as exc:
        response = login_failed(request, form, THROTTLED, 429)
        response["Retry-After"] = str(math.ceil(getattr(exc, "wait", None) or 1))
        return response
    except exceptions.APIException as exc:
        if exc.status_code < 500:  # one message: no account enumeration
            return login_failed(request, form, FAILED, 401)
        response = login_failed(request, form, UNAVAILABLE, 503)
        response["Retry-After"] = str(int(getattr(exc, "wait", None) or 1))
        return response
    response = HttpResponseRedirect(safe_next(request, data["next"]))
    set_auth_cookies(response, signed_in.access, signed_in.refresh, remember=data["remember"])
    return response


@require_http_methods(["GET", "POST"])
def refresh(request: HttpRequest) -> HttpResponse:
    """The one path the refresh cookie is sent to. GET: a page load with an expired access token,
    sent back to `next`. POST (CSRF): the fetch helper after a 401 `token_expired`, answered JSON.
    Only an expired access token is refreshed: a revoked one is not brought back. POST
    `?logout=1` (from /logout/) ends the session instead."""
    page = request.method == "GET"
    if not page and request.GET.get("logout"):
        return end_session(request)
    next_url = safe_next(request, request.GET.get("next"))
    token = access_token(request)
    if token is not None and not has_expired(token):
        return HttpResponseRedirect(next_url) if page else JsonResponse({"refreshed": False})
    stored = refresh_cookie(request)
    wait = refusal(RefreshRateThrottle(), request)
    if wait:
        return refresh_failed(
            request, TooManyUnverifiedTokens(wait=math.ceil(wait)), page=page, next_url=next_url
        )
    try:
        if stored is None:
            raise exceptions.NotAuthenticated()
        access, rotated = refresh_once(gate_for(request.META), stored.token)
    except exceptions.APIException as exc:
        return refresh_failed(request, exc, page=page, next_url=next_url)
    done: HttpResponse = (
        HttpResponseRedirect(next_url) if page else JsonResponse({"refreshed": True})
    )
    set_auth_cookies(done, access, rotated, remember=stored.remember)
    return done


def refresh_failed(
    request: HttpRequest, exc: exceptions.APIException, *, page: bool, next_url: str
) -> HttpResponse:
    """An auth server that cannot answer (503) or a throttled client (429): cookies kept, try
    again later. A refused refresh token: sign in again, with both cookies cleared."""
    if exc.status_code >= 500 or exc.status_code == 429:
        wait = int(getattr(exc, "wait", None) or 1)
        if page:
            return unavailable(request, wait)
        code = exc.get_codes()
        busy = JsonResponse(
            {"detail": str(exc.detail), "code": code if isinstance(code, str) else "unavailable"},
            status=exc.status_code,
        )
        busy["Retry-After"] = str(wait)
        return busy
    response: HttpResponse = (
        to(str(settings.LOGIN_URL), next_url)
        if page
        else JsonResponse(
            {"detail": "Sign in again.", "code": "refresh_token_not_valid"}, status=401
        )
    )
    clear_auth_cookies(response)
    return response


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    """POST (CSRF): refuse the access token here at once, then hand the same POST (307) to the
    refresh endpoint, the one path the refresh token is sent to, which ends the session at the
    auth server and clears both cookies."""
    token = access_token(request)
    if token is not None:
        revoke_token(token)
    return HttpResponseRedirect(f"{settings.AUTH_REFRESH_PATH}?logout=1", status=307)


def end_session(request: HttpRequest) -> HttpResponse:
    """Log out at the auth server with both tokens (best effort) and clear both cookies."""
    stored = refresh_cookie(request)
    token = access_token(request)
    if stored is not None or token is not None:
        refresh = stored.token if stored else None
        close_session(gate_for(request.META), default_client(), refresh, token)
    response = HttpResponseRedirect(str(settings.LOGIN_URL))
    clear_auth_cookies(response)
    return response


def account_context(found: Visitor) -> dict[str, Any]:
    org = found.auth.identity.organization
    membership = find_membership(found.user, org.id) if org else None
    subscriptions: list[dict[str, Any]] = []
    if membership is not None:
        at, grace = timezone.now(), grace_period()
        subscriptions = [
            subscription_json(subscription, at, grace)
            for subscription in Subscription.objects.filter(organization=membership.organization)
            .select_related("product")
            .order_by("product__code", "-created_at")
        ]
    return {
        "user": found.user,
        "identity": found.auth.identity,
        "organization": org,
        "membership": membership,
        "subscriptions": subscriptions,
    }


@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, your organization and role, your subscriptions and whether each is active."""
    found = visitor(request)
    if not isinstance(found, Visitor):
        return found
    return render(request, "browser/account.html", account_context(found))
