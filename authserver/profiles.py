"""Imitate the real auth servers of this family: how each answers login, /me, logout and /health.

- "contract": the answers docs/auth-server-contract.md describes (shaped by `Shapes`);
- "token" (server B): bare `{accessToken, refreshToken, expiresIn}` without a user, a flat `/me`,
  404 for a deleted user, no /health, logout revokes only an `accessToken` sent in the body,
  10 logins per minute per IP;
- "usermg" (server A): integer ids, one `name`, no organization or licenses, `/me` as
  `{ok, message, user}`, logout 204, a health body without `status`, 10 logins per 15 minutes.
"""

import itertools
import threading
from dataclasses import dataclass
from typing import Any

from . import __version__
from .config import Profile
from .errors import ApiError, NotFound, Unauthorized
from .models import Organization, User
from .ratelimit import RateLimiter
from .shapes import Shapes, org_fields
from .wire import Response, json_response

ACCESS_LIFETIME_WORDS = "30m"  # what server B says in `expiresIn`, whatever the real lifetime


@dataclass(frozen=True)
class LoginLimit:
    """Allow `limit` logins per client IP within `window` seconds."""

    limit: int
    window: float


DEFAULT_LOGIN_LIMITS: dict[Profile, LoginLimit | None] = {
    "contract": None,
    "token": LoginLimit(10, 60.0),
    "usermg": LoginLimit(10, 900.0),
}


@dataclass(frozen=True)
class Tokens:
    """Name the tokens a login or refresh hands out."""

    access: str
    refresh: str

    def json(self) -> dict[str, str]:
        """Return them under their contract names."""
        return {"accessToken": self.access, "refreshToken": self.refresh}


class IntegerIds:
    """Give every user id a small integer, stable for the life of the process (server A's ids)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._next = itertools.count(1)

    def of(self, user_id: str) -> int:
        """Return the integer standing for `user_id`."""
        with self._lock:
            if user_id not in self._ids:
                self._ids[user_id] = next(self._next)
            return self._ids[user_id]


class Dialect:
    """Answer the session endpoints the way one real server does; the base is the contract."""

    revokes_bearer_on_logout = True
    ends_session_tokens_on_logout = True

    def __init__(self, shapes: Shapes) -> None:
        self._shapes = shapes

    def health(self) -> Response:
        """Return the health document."""
        return json_response(200, _health(status="healthy"))

    def login(self, user: User, org: Organization | None, tokens: Tokens) -> Response:
        """Return a successful login."""
        data = {"user": self._shapes.user(user), **org_fields(org), **tokens.json()}
        return self._shapes.success(data, message="Login successful.")

    def refreshed(self, tokens: Tokens) -> Response:
        """Return a successful refresh."""
        return self._shapes.success(tokens.json())

    def me(self, user: User, org: Organization | None) -> Response:
        """Return the /me answer."""
        return self._shapes.me(user, org)

    def unknown_user(self) -> ApiError:
        """Return the error for a valid token whose user no longer exists."""
        return Unauthorized("Token subject is unknown.", "token_invalid")

    def logged_out(self) -> Response:
        """Return a successful logout."""
        return self._shapes.success({}, message="Logged out.")

    def body_access_token(self, body: dict[str, Any]) -> str | None:
        """Return the access token this server revokes from a logout body (None: it reads none)."""
        return None


class TokenDialect(Dialect):
    """Server B: tokens only, flat /me, 404 for deleted users, no /health, body-only revocation."""

    revokes_bearer_on_logout = False
    ends_session_tokens_on_logout = False

    def health(self) -> Response:
        raise NotFound("No route for GET /health.")

    def login(self, user: User, org: Organization | None, tokens: Tokens) -> Response:
        return self.refreshed(tokens)

    def refreshed(self, tokens: Tokens) -> Response:
        return json_response(200, {**tokens.json(), "expiresIn": ACCESS_LIFETIME_WORDS})

    def me(self, user: User, org: Organization | None) -> Response:
        return json_response(200, {"id": user.id, "email": user.email})

    def unknown_user(self) -> ApiError:
        return NotFound("User not found.", "user_not_found")

    def logged_out(self) -> Response:
        return json_response(200, {"message": "Logged out"})

    def body_access_token(self, body: dict[str, Any]) -> str | None:
        token = body.get("accessToken")
        return token if isinstance(token, str) and token else None


class UserMgDialect(Dialect):
    """Server A: integer ids, one `name`, no organization, `{ok, message, ...}`, logout 204."""

    def __init__(self, shapes: Shapes, ids: IntegerIds) -> None:
        super().__init__(shapes)
        self._ids = ids

    def health(self) -> Response:
        return json_response(200, _health())

    def login(self, user: User, org: Organization | None, tokens: Tokens) -> Response:
        data = {**tokens.json(), "user": self._user(user)}
        return json_response(200, {"ok": True, "message": "Logged in", "data": data})

    def refreshed(self, tokens: Tokens) -> Response:
        return json_response(200, {"ok": True, "message": "Refreshed", "data": tokens.json()})

    def me(self, user: User, org: Organization | None) -> Response:
        return json_response(200, {"ok": True, "message": "Current user", "user": self._user(user)})

    def logged_out(self) -> Response:
        return Response(status=204, body=b"", content_type="")

    def _user(self, user: User) -> dict[str, Any]:
        name = f"{user.first_name} {user.last_name}".strip()
        return {"id": self._ids.of(user.id), "email": user.email, "name": name, "role": user.role}


def _health(**extra: str) -> dict[str, str]:
    return {**extra, "version": __version__, "environment": "local", "database": "connected"}


@dataclass(frozen=True)
class ProfileSettings:
    """Name the profile in force and its login limit (None: logins are not limited)."""

    name: Profile = "contract"
    login_limit: LoginLimit | None = None


class Profiles:
    """Hold the profile in force (switchable at run time) and its login limiter (thread-safe)."""

    def __init__(self, initial: ProfileSettings, shapes: Shapes) -> None:
        self._initial = initial
        self._dialects: dict[Profile, Dialect] = {
            "contract": Dialect(shapes),
            "token": TokenDialect(shapes),
            "usermg": UserMgDialect(shapes, IntegerIds()),
        }
        self._lock = threading.Lock()
        self.switch(initial)

    @property
    def current(self) -> ProfileSettings:
        """Return the settings in force."""
        return self._current

    @property
    def dialect(self) -> Dialect:
        """Return how the profile in force answers."""
        return self._dialects[self._current.name]

    def switch(self, settings: ProfileSettings) -> None:
        """Put `settings` in force, with a fresh login limiter."""
        limit = settings.login_limit
        with self._lock:
            self._current = settings
            self._login = RateLimiter(limit.limit, limit.window) if limit else None

    def restore(self) -> None:
        """Go back to the start-up profile and forget every login counted."""
        self.switch(self._initial)

    def login_hit(self, client_ip: str) -> int | None:
        """Count one login from `client_ip`; return None if allowed, else Retry-After seconds."""
        limiter = self._login
        return limiter.hit(client_ip) if limiter is not None else None
