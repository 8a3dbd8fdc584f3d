"""Answer the control API under /__control__/ (only when started with --control).

Tests drive the server through it: inject faults, read call counts, reset to the seed,
edit or delete users, count open sessions, mint tokens, rotate signing keys, read verification
codes, and switch response shapes or the whole profile (with its login limit). Control
answers are plain JSON (never enveloped), never faulted, rate-limited or counted.
"""

from collections.abc import Callable
from typing import Any

from .calls import CallCounter
from .config import ENVELOPES, ME_SHAPES, ORG_FIELDS, PROFILES, USER_ID_KEYS, USER_ID_TYPES
from .directory import DuplicateEmail, UnknownOrganization, UnknownUser
from .errors import BadRequest, Conflict, NotFound
from .faults import FaultBook, FaultSpecError, parse_fault
from .keys import ALGORITHMS
from .models import Organization, User, user_json
from .profiles import DEFAULT_LOGIN_LIMITS, LoginLimit, Profiles, ProfileSettings
from .routing import Handler, Route
from .shapes import Shapes
from .state import State
from .tokens import TokenIssuer
from .user_patch import OrgSpec, parse_user_patch
from .validation import invalid, required_str
from .wire import Request, Response, json_response

PREFIX = "/__control__"
CONFIG_KEYS = {
    "envelope": ENVELOPES,
    "meShape": ME_SHAPES,
    "userIdKey": USER_ID_KEYS,
    "orgField": ORG_FIELDS,
    "userIdType": USER_ID_TYPES,
}
SETTING_NAMES = {
    "envelope": "envelope",
    "meShape": "me_shape",
    "userIdKey": "user_id_key",
    "orgField": "org_field",
    "userIdType": "user_id_type",
}


class ControlApi:
    """Expose the server's state to tests over HTTP."""

    def __init__(
        self,
        state: State,
        issuer: TokenIssuer,
        shapes: Shapes,
        profiles: Profiles,
        faults: FaultBook,
        calls: CallCounter,
        reset: Callable[[], None],
    ) -> None:
        self._state, self._issuer, self._shapes = state, issuer, shapes
        self._profiles = profiles
        self._faults, self._calls, self._reset = faults, calls, reset

    def routes(self) -> list[Route]:
        """Return the control routes."""
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/fault", self.list_faults),
            ("POST", "/fault", self.add_fault),
            ("DELETE", "/fault", self.clear_faults),
            ("GET", "/calls", self.get_calls),
            ("DELETE", "/calls", self.clear_calls),
            ("POST", "/reset", self.reset),
            ("GET", "/users/<ident>", self.get_user),
            ("PATCH", "/users/<ident>", self.update_user),
            ("DELETE", "/users/<ident>", self.delete_user),
            ("GET", "/sessions", self.get_sessions),
            ("POST", "/tokens", self.mint_token),
            ("POST", "/keys", self.rotate_keys),
            ("GET", "/codes", self.get_codes),
            ("GET", "/config", self.get_config),
            ("POST", "/config", self.set_config),
            ("GET", "/profile", self.get_profile),
            ("POST", "/profile", self.set_profile),
        ]
        return [Route(method, PREFIX + path, handler) for method, path, handler in table]

    def list_faults(self, request: Request) -> Response:
        """Return the active faults, newest first."""
        return json_response(200, {"faults": self._faults.active()})

    def add_fault(self, request: Request) -> Response:
        """Activate the fault described by the body; return the active faults."""
        try:
            self._faults.add(parse_fault(request.json()))
        except FaultSpecError as exc:
            raise invalid(str(exc)) from exc
        return self.list_faults(request)

    def clear_faults(self, request: Request) -> Response:
        """Deactivate every fault."""
        self._faults.clear()
        return self.list_faults(request)

    def get_calls(self, request: Request) -> Response:
        """Return the call counts keyed by `METHOD /path`."""
        return json_response(200, {"calls": self._calls.snapshot()})

    def clear_calls(self, request: Request) -> Response:
        """Reset the call counts."""
        self._calls.clear()
        return self.get_calls(request)

    def reset(self, request: Request) -> Response:
        """Restore seed data and start-up shapes; clear faults, counts and rate limits."""
        self._reset()
        return json_response(200, {"reset": True})

    def get_user(self, request: Request) -> Response:
        """Return the user named by id or email in the path."""
        return json_response(200, admin_json(self._user(request.params["ident"])))

    def update_user(self, request: Request) -> Response:
        """Apply the body's changes to a user (moving or creating its organization)."""
        user = self._user(request.params["ident"])
        patch = parse_user_patch(request.json())
        if patch.organization is not None:
            self._save_org(patch.organization)
        try:
            updated = self._state.directory.update(user.id, **patch.changes)
        except DuplicateEmail as exc:
            raise Conflict(f"Email {exc} belongs to another user.", "email_taken") from exc
        except UnknownOrganization as exc:
            raise invalid(f"Unknown organization {exc}.") from exc
        except UnknownUser as exc:
            raise NotFound(f"No user {exc}.", "unknown_user") from exc
        return json_response(200, admin_json(updated))

    def delete_user(self, request: Request) -> Response:
        """Delete a user and end its sessions (its access tokens stay valid until they expire)."""
        user = self._user(request.params["ident"])
        self._state.directory.remove(user.id)
        self._state.sessions.close_user(user.id)
        return json_response(200, {"deleted": user.id})

    def get_sessions(self, request: Request) -> Response:
        """Return how many sessions are open (refresh tokens still valid)."""
        return json_response(200, {"open": self._state.sessions.open_count()})

    def mint_token(self, request: Request) -> Response:
        """Return an access token for a user, with an optional ttl and extra claims."""
        body = request.json()
        user = self._user(required_str(body, "user"))
        ttl, claims = body.get("ttl"), body.get("claims")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int)):
            raise invalid("ttl must be an integer number of seconds.")
        if claims is not None and not isinstance(claims, dict):
            raise invalid("claims must be an object.")
        access = self._issuer.issue(user, ttl=ttl, claims=claims)
        return json_response(200, {"accessToken": access.token, "jti": access.jti})

    def rotate_keys(self, request: Request) -> Response:
        """Sign with `algorithm` (default: the current one) using a new key; `retire` unpublishes
        that algorithm's older keys. Answers the signing algorithm and the new kid."""
        body = request.json() if request.body.strip() else {}
        algorithm, retire = body.get("algorithm"), body.get("retire", False)
        if algorithm is not None and algorithm not in ALGORITHMS:
            raise invalid(f"algorithm must be one of {', '.join(ALGORITHMS)}.")
        if not isinstance(retire, bool):
            raise invalid("retire must be a boolean.")
        kid = self._issuer.keys.rotate(algorithm, retire=retire)
        return json_response(200, {"algorithm": self._issuer.keys.algorithm, "kid": kid})

    def get_codes(self, request: Request) -> Response:
        """Return the latest verification code and reset token issued for ?email=."""
        address = request.query_value("email")
        if not address:
            raise BadRequest("Query parameter email is required.", "validation_error")
        return json_response(200, self._state.codes.latest(address.strip().lower()))

    def get_config(self, request: Request) -> Response:
        """Return the response shapes in force."""
        current = self._shapes.current
        return json_response(
            200,
            {
                "envelope": current.envelope,
                "meShape": current.me_shape,
                "userIdKey": current.user_id_key,
                "orgField": current.org_field,
                "userIdType": current.user_id_type,
            },
        )

    def set_config(self, request: Request) -> Response:
        """Change the envelope, the /me shape or the user id key at runtime."""
        body = request.json()
        unknown = set(body) - set(CONFIG_KEYS)
        if unknown:
            raise invalid(f"Unknown config keys: {', '.join(sorted(unknown))}.")
        for key, value in body.items():
            if value not in CONFIG_KEYS[key]:
                raise invalid(f"{key} must be one of {', '.join(CONFIG_KEYS[key])}.")
        self._shapes.update(**{SETTING_NAMES[key]: value for key, value in body.items()})
        return self.get_config(request)

    def get_profile(self, request: Request) -> Response:
        """Return the profile in force and its login limit."""
        current = self._profiles.current
        limit = current.login_limit
        return json_response(
            200,
            {
                "profile": current.name,
                "loginLimit": limit.limit if limit else None,
                "loginWindow": limit.window if limit else None,
            },
        )

    def set_profile(self, request: Request) -> Response:
        """Switch profile; `loginLimit` (null: none) and `loginWindow` default to the profile's."""
        body = request.json()
        name = body.get("profile")
        if name not in PROFILES:
            raise invalid(f"profile must be one of {', '.join(PROFILES)}.")
        default = DEFAULT_LOGIN_LIMITS[name]
        limit = body.get("loginLimit", default.limit if default else None)
        window = body.get("loginWindow", default.window if default else 60)
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise invalid("loginLimit must be a positive integer or null.")
        if isinstance(window, bool) or not isinstance(window, int | float) or window <= 0:
            raise invalid("loginWindow must be a positive number of seconds.")
        login = LoginLimit(limit, float(window)) if limit is not None else None
        self._profiles.switch(ProfileSettings(name, login))
        return self.get_profile(request)

    def _save_org(self, spec: OrgSpec) -> None:
        existing = self._state.directory.org(spec.id)
        if existing is None and spec.name is None:
            raise invalid("organization.name is required to create an organization.")
        name = spec.name or (existing.name if existing else "")
        licenses = existing.licenses if existing else {}
        self._state.directory.save_org(Organization(spec.id, name, licenses))

    def _user(self, ident: str) -> User:
        user = self._state.directory.find(ident)
        if user is None:
            raise NotFound(f"No user {ident}.", "unknown_user")
        return user


def admin_json(user: User) -> dict[str, Any]:
    """Return a user as the control API shows it: public fields, `id`, `number` and `active`."""
    return {**user_json(user, "id"), "number": user.number, "active": user.active}
