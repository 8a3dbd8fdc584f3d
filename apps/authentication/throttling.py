"""Throttles of the public endpoints, on the shared cache, keyed by `core.clientaddr.client_key`.

Password guessing is limited per client address and per (account, client address), never per
account alone: anyone could otherwise lock the break-glass superuser out by guessing wrong. The
same throttles guard the admin login, a plain Django view, through `throttled`. Counts live in
the adapter's outage-safe shared cache: while Redis is down each process goes on counting in
memory, so an outage never switches password throttling off.
"""

import hashlib
import math
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.clientaddr import client_key
from core.text import email_key
from core.wiring import default_state

ACCOUNT_FIELDS = ("username", "email")


class SharedCounts:
    """The throttles' store as DRF calls it (`get` with a default, `set`), on core's shared cache."""

    def get(self, key: str, default: Any = None) -> Any:
        value = default_state().shared.get(key)
        return default if value is None else value

    def set(self, key: str, value: Any, timeout: int) -> None:
        default_state().shared.set(key, value, int(timeout))


class ClientRateThrottle(SimpleRateThrottle):
    """Limit requests per client address at the rate of `scope`, read when used (not at import)."""

    cache = SharedCounts()  # type: ignore[assignment]  # DRF only calls get and set

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None

    def get_ident(self, request: Any) -> str:
        return client_key(request.META)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(ClientRateThrottle):
    scope = "login"


class RefreshRateThrottle(ClientRateThrottle):
    scope = "refresh"


class LogoutRateThrottle(ClientRateThrottle):
    scope = "logout"


def account(request: Any) -> str:
    """Return the account a login names (its `username` or `email` field), or "".

    In the form e-mails are compared in (NFKC, case folding): every spelling the login forms fold
    into one account (Django's admin form applies NFKC to usernames) counts against that account.
    """
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    for name in ACCOUNT_FIELDS:
        value = data.get(name) if hasattr(data, "get") else None
        if isinstance(value, str) and value.strip():
            return email_key(value)
    return ""


class AccountRateThrottle(ClientRateThrottle):
    """Limit password attempts on one account from one client address (a hash: no name in a key)."""

    scope = "login_account"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        name = account(request)
        if not name:
            return None
        # surrogatepass: a lone surrogate (JSON may spell one) is refused by the serializer later,
        # never a 500 here.
        pair = f"{name}\n{self.get_ident(request)}".encode("utf-8", "surrogatepass")
        ident = hashlib.sha256(pair).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


def refusal(throttle: ClientRateThrottle, request: HttpRequest) -> float:
    """Return 0 when `throttle` lets a plain Django request through, else the seconds to wait."""
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # reads META, POST only
        return 0.0
    return max(1.0, throttle.wait() or 1.0)


PASSWORD_THROTTLES: tuple[type[ClientRateThrottle], ...] = (LoginRateThrottle, AccountRateThrottle)


def throttled(
    view: Callable[..., HttpResponse],
    throttles: tuple[type[ClientRateThrottle], ...] = PASSWORD_THROTTLES,
) -> Callable[..., HttpResponse]:
    """Return `view` with its POSTs throttled: a 429 JSON answer with `Retry-After` past a rate."""

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            waits = [wait for wait in (refusal(cls(), request) for cls in throttles) if wait]
            if waits:
                response = JsonResponse(
                    {"detail": "Too many attempts; try again later.", "code": "throttled"},
                    status=429,
                )
                response["Retry-After"] = str(math.ceil(max(waits)))
                return response
        return view(request, *args, **kwargs)

    return guarded
