"""The browser's access cookie at ForwardAuth: the CSRF proof of the gateway's original request.

ForwardAuth itself is always a GET, so the CSRF check that protects the API would pass every time.
What matters is the request the gateway is deciding on: its method arrives as `X-Forwarded-Method`
(set by the gateway, overwriting any the client sent). A safe original method (GET, HEAD, OPTIONS,
TRACE) needs no proof; any other, or none stated, needs Django's CSRF proof exactly as the API
does: the `X-CSRFToken` header matching the CSRF cookie, and an `Origin` (or, over HTTPS,
`Referer`) that is this host or one of `CSRF_TRUSTED_ORIGINS` (the gateway's public origin). A
gateway forwards no body, so the header is the only place the token can be.
"""

import copy

from django.http import QueryDict
from rest_framework.request import Request

from core.authentication import CookieAuthentication

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
UNSTATED = "POST"  # no X-Forwarded-Method: checked as the unsafe method it may be


def original_method(meta: dict[str, object]) -> str:
    """Return the gateway's original method, upper-cased; UNSTATED when it sent none."""
    method = str(meta.get("HTTP_X_FORWARDED_METHOD") or "").strip().upper()
    return method or UNSTATED


class ForwardedCookieAuthentication(CookieAuthentication):
    """CookieAuthentication whose CSRF check judges the original request, not ForwardAuth's GET."""

    def enforce_csrf(self, request: Request) -> None:
        method = original_method(request.META)
        if method in SAFE_METHODS:
            return
        original = copy.copy(request._request)
        original.method = method
        # The gateway forwards no body: never read one (a copied Content-Length could block).
        original.POST = QueryDict()
        super().enforce_csrf(original)  # type: ignore[arg-type]
