"""Responses are never stored by browsers or proxies unless a view says they may be.

Login, refresh and the local token endpoints answer with tokens, and every other API answer is one
caller's data: `Cache-Control: no-store` goes on every response that sets no `Cache-Control` of its
own (WhiteNoise's static files do, and keep theirs), error answers included.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class NoStoreMiddleware:
    """Add `Cache-Control: no-store` to every response without a `Cache-Control` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
