"""Who a fresh login belongs to: the login answer's user, else `/me` asked with the new token.

Some auth servers answer a login with tokens only (docs/auth-server-contract.md, server B). The
session they just opened must not be thrown away silently: when `/me` cannot say who it is either,
that session is logged out again and the caller is told why. Every call goes through `gate`, the
view's breaker, budget and client share (core.upstream).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.authentication import TooManyUnverifiedTokens, auth_service_unavailable
from core.client import AuthServiceClient
from core.clientaddr import client_key
from core.exceptions import (
    AuthServiceError,
    BadResponse,
    CouldNotVouch,
    Rejected,
    ShareSpent,
    Unavailable,
)
from core.identity import Identity, normalize
from core.wiring import default_client, default_upstream

from .exceptions import (
    AccountNotAllowed,
    InvalidCredentials,
    LoginIdentityUnavailable,
    LoginIdentityUnknown,
    RejectedRequest,
)

logger = logging.getLogger(__name__)
# Runs `call(**kwargs)` under the breaker, the budget and the client's share; raises what it raised.
Gate = Callable[..., Any]


def login_identity(
    gate: Gate, client: AuthServiceClient, data: dict[str, Any], token: str
) -> Identity:
    """Return the Identity of a login; raise LoginIdentityUnavailable, LoginIdentityUnknown or
    TooManyUnverifiedTokens."""
    try:
        return normalize(data)
    except BadResponse:
        logger.info("login answer carries no user; asking /me with the new token")
    try:
        identity: Identity = gate(client.me, access_token=token)
    except AuthServiceError as exc:
        logger.warning("login without a usable identity (%s): closing that session", exc.reason)
        close_session(gate, client, data.get("refreshToken"), token)
        if isinstance(exc, ShareSpent):
            raise TooManyUnverifiedTokens(wait=exc.retry_after) from exc
        if isinstance(exc, Unavailable):
            raise LoginIdentityUnavailable(wait=exc.retry_after) from exc
        raise LoginIdentityUnknown() from exc
    return identity


def close_session(gate: Gate, client: AuthServiceClient, refresh: Any, access: str | None) -> bool:
    """Log a session out at the auth server; return whether it confirmed (any 2xx)."""
    try:
        gate(
            client.logout,
            refresh_token=refresh if isinstance(refresh, str) else None,
            access_token=access,
        )
    except AuthServiceError as exc:
        logger.info("upstream logout failed: %s", exc.reason)
        return False
    return True


def gate_for(meta: dict[str, Any]) -> Gate:
    """Return the gate of the client whose request carries `meta`: calls run under the breaker,
    the budget and that client's share."""

    def gate(call: Any, *, own_limit: bool = False, **kwargs: Any) -> Any:
        return default_upstream().call(
            lambda: call(**kwargs), client=client_key(meta), own_limit=own_limit
        )

    return gate


def forward(gate: Gate, call: Any, rejected: type[Exception], **kwargs: Any) -> dict[str, Any]:
    """Call the auth server; map its refusals to `rejected`, its outages to 503 and a spent
    client share to 429. The auth server's own login limit (its 429) answers this caller 503
    and opens no breaker."""
    try:
        data: dict[str, Any] = gate(call, own_limit=True, **kwargs)
    except ShareSpent as exc:
        raise TooManyUnverifiedTokens(wait=exc.retry_after) from exc
    except Rejected as exc:
        if exc.status == 403:
            raise AccountNotAllowed() from exc
        raise (rejected() if exc.status == 401 else RejectedRequest()) from exc
    except CouldNotVouch as exc:
        raise auth_service_unavailable(exc) from exc
    return data


@dataclass(frozen=True)
class SignedIn:
    """A login at the auth server: its tokens (no repr: never in a log) and whose they are."""

    access: str = field(repr=False)
    refresh: str | None = field(repr=False)
    identity: Identity


def sign_in(gate: Gate, email: str, password: str) -> SignedIn:
    """Log in at the auth server: the one login of the API (POST /api/auth/login) and the browser
    (/login/, the admin). Raises the DRF errors of `forward` and `login_identity`."""
    client = default_client()
    data = forward(gate, client.login, InvalidCredentials, email=email, password=password)
    token = data.get("accessToken")
    if not isinstance(token, str):
        raise auth_service_unavailable(BadResponse("login answer has no accessToken"))
    refresh = data.get("refreshToken")
    identity = login_identity(gate, client, data, token)
    return SignedIn(token, refresh if isinstance(refresh, str) else None, identity)
