"""Answer the session endpoints of the contract: health, login, me, refresh, logout."""

import logging
from typing import Any

from .errors import BadRequest, Forbidden, Unauthorized
from .models import User
from .passwords import DUMMY_HASH, check_password
from .profiles import Profiles, Tokens
from .routing import Route
from .sessions import InvalidRefreshToken
from .state import State
from .tokens import TokenError, TokenExpired, TokenIssuer, fingerprint
from .validation import required_str, secret
from .wire import Request, Response

logger = logging.getLogger(__name__)


class SessionApi:
    """Sign users in and out, and tell who holds an access token."""

    def __init__(self, state: State, issuer: TokenIssuer, profiles: Profiles) -> None:
        self._state = state
        self._issuer = issuer
        self._profiles = profiles

    def routes(self) -> list[Route]:
        """Return the routes this API answers."""
        return [
            Route("GET", "/health", self.health),
            Route("POST", "/api/auth/login", self.login),
            Route("GET", "/api/auth/me", self.me),
            Route("POST", "/api/auth/refresh", self.refresh),
            Route("POST", "/api/auth/logout", self.logout),
        ]

    def health(self, request: Request) -> Response:
        """Return the health document (never enveloped, as the real server answers)."""
        return self._profiles.dialect.health()

    def login(self, request: Request) -> Response:
        """Check credentials and return user, organization, licenses and tokens."""
        body = request.json()
        user = self._credentials(required_str(body, "email"), secret(body, "password"))
        ensure_may_sign_in(user)
        org = self._state.directory.org(user.org_id)
        tokens = self._open(user)
        logger.info("login succeeded for user %s", user.id)
        return self._profiles.dialect.login(user, org, tokens)

    def me(self, request: Request) -> Response:
        """Return the current record of the token's user; 401 or 403 otherwise."""
        user = self._authenticate(request)
        if not user.active:
            raise Forbidden("Account is disabled.", "account_inactive")
        return self._profiles.dialect.me(user, self._state.directory.org(user.org_id))

    def refresh(self, request: Request) -> Response:
        """Swap a refresh token for a new access token and a rotated refresh token."""
        token = secret(request.json(), "refreshToken")
        sessions = self._state.sessions
        try:
            session_id, user_id, new_refresh = sessions.rotate(token)
        except InvalidRefreshToken as exc:
            logger.info("refresh token %s refused", fingerprint(token))
            raise Unauthorized("Invalid or expired refresh token.", "refresh_invalid") from exc
        user = self._state.directory.get(user_id)
        if user is None or not user.active:
            sessions.close(new_refresh)
            raise Forbidden("Account is disabled.", "account_inactive")
        access = self._issuer.issue(user)
        sessions.attach(session_id, access.jti, access.exp)
        return self._profiles.dialect.refreshed(Tokens(access.token, new_refresh))

    def logout(self, request: Request) -> Response:
        """End the refresh token's session and revoke the access token the profile reads."""
        body: dict[str, Any] = request.json() if request.body.strip() else {}
        dialect, refresh, bearer = (
            self._profiles.dialect,
            body.get("refreshToken"),
            request.bearer(),
        )
        access = dialect.body_access_token(body) or (
            bearer if dialect.revokes_bearer_on_logout else None
        )
        if not isinstance(refresh, str | None) or not (refresh or access or bearer):
            raise BadRequest("refreshToken is required.", "validation_error")
        if refresh:
            self._state.sessions.close(refresh, revoke_access=dialect.ends_session_tokens_on_logout)
        if access:
            self._revoke(access)
        return dialect.logged_out()

    def _credentials(self, email: str, password: str) -> User:
        user = self._state.directory.by_email(email)
        # Hash even for an unknown email, so timing does not reveal which emails exist.
        valid = check_password(password, user.password_hash if user else DUMMY_HASH)
        if user is None or not valid:
            raise Unauthorized("Invalid email or password.", "invalid_credentials")
        return user

    def _open(self, user: User) -> Tokens:
        session_id, refresh = self._state.sessions.open(user.id)
        access = self._issuer.issue(user)
        self._state.sessions.attach(session_id, access.jti, access.exp)
        return Tokens(access.token, refresh)

    def _authenticate(self, request: Request) -> User:
        token = request.bearer()
        if token is None:
            raise Unauthorized("Missing bearer token.", "token_missing")
        claims = self._claims(token)
        if self._state.sessions.is_revoked(claims["jti"]):
            raise Unauthorized("Token has been revoked.", "token_revoked")
        user = self._state.directory.get(claims["sub"])
        if user is None:
            raise self._profiles.dialect.unknown_user()
        return user

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            return self._issuer.verify(token)
        except TokenExpired as exc:
            raise Unauthorized("Token has expired.", "token_expired") from exc
        except TokenError as exc:
            logger.info("token %s refused: %s", fingerprint(token), exc)
            raise Unauthorized("Invalid token.", "token_invalid") from exc

    def _revoke(self, token: str) -> None:
        try:
            claims = self._issuer.verify(token)
        except TokenError:
            return  # An invalid or expired token needs no revoking.
        self._state.sessions.revoke_access(claims["jti"], float(claims["exp"]))


def ensure_may_sign_in(user: User) -> None:
    """Raise Forbidden if `user` is inactive or has not verified their email."""
    if not user.active:
        raise Forbidden("Account is disabled.", "account_inactive")
    if not user.email_verified:
        raise Forbidden("Email address is not verified.", "email_not_verified")
