"""Who a fresh login belongs to: the login answer's user, else `/me` asked with the new token.

Some auth servers answer a login with tokens only (docs/auth-server-contract.md, server B). The
session they just opened must not be thrown away silently: when `/me` cannot say who it is either,
that session is logged out again and the caller is told why. Every call goes through `gate`, the
view's breaker, budget and client share (core.upstream).
"""

import logging
from collections.abc import Callable
from typing import Any

from core.authentication import TooManyUnverifiedTokens
from core.client import AuthServiceClient
from core.exceptions import AuthServiceError, BadResponse, ShareSpent, Unavailable
from core.identity import Identity, normalize

from .exceptions import LoginIdentityUnavailable, LoginIdentityUnknown

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
