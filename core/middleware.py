"""Flag responses whose caller was not vouched for by the auth server just now."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Auth-Degraded"


class DegradedAuthHeaderMiddleware:
    """Add `X-Auth-Degraded: grace|degraded` when the request was accepted without the auth server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        auth = getattr(request, "auth", None)
        if getattr(auth, "degraded", False):
            response[HEADER] = auth.source  # type: ignore[union-attr]
        return response
