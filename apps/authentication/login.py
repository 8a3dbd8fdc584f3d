"""Who a fresh login belongs to: the login answer's user, else `/me` asked with the new token.

Some auth servers answer a login with tokens only (docs/auth-server-contract.md, server B). The
session they just opened must not be thrown away silently: when `/me` cannot say who it is either,
that session is logged out again and the caller is told why.
"""

import logging
from typing import Any

from core.client import AuthServiceClient
from core.exceptions import AuthServiceError, BadResponse, Unavailable
from core.identity import Identity, normalize

from .exceptions import LoginIdentityUnavailable, LoginIdentityUnknown

logger = logging.getLogger(__name__)


def login_identity(client: AuthServiceClient, data: dict[str, Any], token: str) -> Identity:
    """Return the Identity of a login; raise LoginIdentityUnavailable or LoginIdentityUnknown."""
    try:
        return normalize(data)
    except BadResponse:
        logger.info("login answer carries no user; asking /me with the new token")
    try:
        return client.me(token)
    except AuthServiceError as exc:
        logger.warning("login without a usable identity (%s): closing that session", exc.reason)
        close_session(client, data.get("refreshToken"), token)
        if isinstance(exc, Unavailable):
            raise LoginIdentityUnavailable(wait=exc.retry_after) from exc
        raise LoginIdentityUnknown() from exc


def close_session(client: AuthServiceClient, refresh: Any, access: str | None) -> bool:
    """Log a session out at the auth server; return whether it confirmed (any 2xx)."""
    try:
        client.logout(refresh if isinstance(refresh, str) else None, access)
    except AuthServiceError as exc:
        logger.info("upstream logout failed: %s", exc.reason)
        return False
    return True
