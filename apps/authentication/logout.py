"""Logging out a local (simplejwt) token: SaaS Admin issued it, so only SaaS Admin can end it."""

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from core.tokens import expiry
from core.wiring import default_denylist


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
