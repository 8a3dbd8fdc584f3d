"""Logging out what only SaaS Admin can remember: a local (simplejwt) token, which it issued, and
a remote token whose logout the auth server did not confirm."""

import logging
import time

from django.db import DatabaseError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from core.conf import remote_auth_settings
from core.tokens import expiry, unverified_claims
from core.wiring import default_denylist

logger = logging.getLogger(__name__)


def log_out_local(access: str, refresh: str | None) -> bool:
    """Refuse a local access token (its `jti`) everywhere until it expires, and blacklist the
    caller's refresh token; return False, storing nothing, when `access` is not a valid one."""
    try:
        validated = AccessToken(access)  # type: ignore[arg-type]  # simplejwt accepts str
    except TokenError:
        return False
    default_denylist().revoke_jti(str(validated[api_settings.JTI_CLAIM]), expiry(validated.payload))
    if refresh:
        blacklist(refresh, owner=validated.get(api_settings.USER_ID_CLAIM))
    return True


def blacklist(refresh: str, *, owner: object) -> None:
    """Blacklist `refresh` when it is a valid refresh token of `owner` (another's stays usable)."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # simplejwt accepts str
    except TokenError:
        return  # already blacklisted, expired or not ours: nothing to end
    if token.get(api_settings.USER_ID_CLAIM) == owner:
        token.blacklist()


def keep_unconfirmed_logout(token: str) -> None:
    """Refuse a remote token in the database (core.Revocation) until its `exp`, at most
    USER_REVOCATION_TTL: the auth server never heard of this logout, so losing Redis must not
    bring the token back. Nothing is kept for a token without `exp`, nor while the database is
    down (the stored rejection in Redis still stands)."""
    exp = expiry(unverified_claims(token))
    if exp is None:
        return
    until = min(exp, int(time.time() + float(remote_auth_settings.USER_REVOCATION_TTL)))
    try:
        default_denylist().revoke_token(token, until)
    except DatabaseError as exc:
        logger.warning("unconfirmed logout kept in Redis only: %s", type(exc).__name__)
