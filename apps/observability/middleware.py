"""Request ids: accept a sane `X-Request-ID` or make one, log with it, and return it.

First in MIDDLEWARE, it also drops forwarding headers that did not come from a trusted proxy, so
nothing later (SECURE_PROXY_SSL_HEADER, throttles, logs) can be told a spoofed scheme or client.
"""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from core import logcontext
from core.clientaddr import client_key, strip_untrusted_forwarding

HEADER = "X-Request-ID"
SANE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def request_id(request: HttpRequest) -> str:
    """Return the caller's request id when it is sane, else a new one."""
    given = request.headers.get(HEADER, "")
    return given if SANE.match(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Bind the request id to every log line of the request and echo it in the response.

    The context outlives this middleware on purpose: Django logs `Unauthorized: …` and `Service
    Unavailable: …` after the whole middleware chain has returned. It is cleared when the response
    is closed (`request_finished`), and again at the start of the next request, whatever happened.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        strip_untrusted_forwarding(request.META)
        rid = request_id(request)
        logcontext.clear()
        logcontext.bind(request_id=rid, client=client_key(request.META))
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def clear_context(**kwargs: Any) -> None:
    """Forget the finished request's logging context (a `request_finished` receiver)."""
    logcontext.clear()
