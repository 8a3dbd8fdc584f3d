"""The two auth cookies of a browser: the access token (every path) and the refresh token (the
refresh endpoint's path only). Both HttpOnly, SameSite and Secure from the AUTH_COOKIE_* settings.

The refresh cookie's value is `<1|0>|<refresh token>`: whether "remember me" was chosen, so a
refresh keeps the cookies' lifetime (persistent for AUTH_COOKIE_REMEMBER_DAYS, or session).
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RefreshCookie:
    """The refresh cookie's content; its repr shows no token."""

    token: str = field(repr=False)
    remember: bool


def flags() -> dict[str, Any]:
    return {
        "secure": settings.AUTH_COOKIE_SECURE,
        "httponly": True,
        "samesite": settings.AUTH_COOKIE_SAMESITE,
        "domain": settings.AUTH_COOKIE_DOMAIN,
    }


def set_auth_cookies(
    response: HttpResponse, access: str, refresh: str | None, *, remember: bool
) -> None:
    """Set both cookies (the refresh one only when the auth server gave a refresh token)."""
    max_age = settings.AUTH_COOKIE_REMEMBER_DAYS * 86400 if remember else None
    response.set_cookie(settings.AUTH_COOKIE_NAME, access, max_age=max_age, path="/", **flags())
    if refresh:
        response.set_cookie(
            settings.AUTH_COOKIE_REFRESH_NAME,
            f"{int(remember)}|{refresh}",
            max_age=max_age,
            path=settings.AUTH_REFRESH_PATH,
            **flags(),
        )


def clear_auth_cookies(response: HttpResponse) -> None:
    """Expire both cookies, each with the path, domain and flags it was set with."""
    gone = {"max_age": 0, "expires": "Thu, 01 Jan 1970 00:00:00 GMT", **flags()}
    response.set_cookie(settings.AUTH_COOKIE_NAME, "", path="/", **gone)
    response.set_cookie(
        settings.AUTH_COOKIE_REFRESH_NAME, "", path=settings.AUTH_REFRESH_PATH, **gone
    )


def access_token(request: HttpRequest) -> str | None:
    return request.COOKIES.get(settings.AUTH_COOKIE_NAME) or None


def refresh_cookie(request: HttpRequest) -> RefreshCookie | None:
    """Return the refresh cookie's content, None when absent or not of this module's making."""
    flag, sep, token = request.COOKIES.get(settings.AUTH_COOKIE_REFRESH_NAME, "").partition("|")
    if not sep or flag not in ("0", "1") or not token:
        return None
    return RefreshCookie(token, flag == "1")
