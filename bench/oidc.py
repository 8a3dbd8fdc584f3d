"""mozilla-django-oidc's backend pointed at the auth server's /me (variant 3).

Only where the claims live changes: /me wraps them as `data.user`. Finding users by e-mail,
creating them, and calling the userinfo endpoint on every request stay the library's defaults.
"""

from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class MeEndpointBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Read the userinfo claims from the `data.user` object of a /me answer."""

    def get_userinfo(self, access_token: str, id_token: Any, payload: Any) -> dict[str, Any]:
        body = super().get_userinfo(access_token, id_token, payload)
        claims: dict[str, Any] = body["data"]["user"]
        return claims
