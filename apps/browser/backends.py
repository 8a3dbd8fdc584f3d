"""Staff sign in to /admin/ with their auth-server credentials.

The password is checked at the auth server (the API login's `sign_in`, its breaker, budget and
client share); the user is the one mirrored for that identity, found by its RemoteIdentity link
(this issuer + the remote id), never by e-mail. Whether that user may use the admin (is_staff,
is_superuser) stays a local decision. A refusal or an auth server that cannot answer returns None,
so Django goes on to ModelBackend: local break-glass passwords keep working during an outage.
Only the admin's login asks the auth server (see `for_the_admin`).
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.urls import reverse
from rest_framework import exceptions

from apps.authentication.login import close_session, gate_for, sign_in
from core.wiring import default_client, default_user_sync


class AuthServerBackend(ModelBackend):
    """Check the password at the auth server; map to the linked mirrored user."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if (
            request is None
            or not self.for_the_admin(request)
            or not username
            or not password
            or "@" not in username
        ):
            return None
        gate = gate_for(request.META)
        try:
            signed_in = sign_in(gate, username, password)
        except exceptions.APIException:
            return None
        # The admin keeps Django's session: the auth server's one is closed again at once.
        close_session(gate, default_client(), signed_in.refresh, signed_in.access)
        link = default_user_sync().find(signed_in.identity)
        if link is None or not self.user_can_authenticate(link.user):
            return None
        return link.user

    def for_the_admin(self, request: HttpRequest) -> bool:
        """Return True for the admin's login only: POST /api/token/ (simplejwt, which also calls
        `authenticate`) must not turn auth-server credentials into local tokens."""
        return bool(request.path == reverse("admin:login"))
