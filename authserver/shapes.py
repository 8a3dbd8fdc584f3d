"""Shape success bodies: the envelope, where /me puts the user, and the user id key.

The three settings start from the command line and change at runtime through the control
API, so clients can be tested against every variant docs/auth-server-contract.md allows.
"""

import threading
from dataclasses import dataclass, replace
from typing import Any

from .config import Envelope, MeShape, OrgField, UserIdKey, UserIdType
from .models import Organization, User, licenses_json, org_json, user_json
from .wire import Response, json_response


@dataclass(frozen=True)
class ShapeSettings:
    """Name the current response variant."""

    envelope: Envelope = "wrapped"
    me_shape: MeShape = "data.user"
    user_id_key: UserIdKey = "sub"
    org_field: OrgField = "stated"
    user_id_type: UserIdType = "string"


class Shapes:
    """Build success responses in the currently configured shape (thread-safe)."""

    def __init__(self, initial: ShapeSettings) -> None:
        self._initial = initial
        self._current = initial
        self._lock = threading.Lock()

    @property
    def current(self) -> ShapeSettings:
        """Return the settings in force."""
        return self._current

    def update(self, **changes: Any) -> ShapeSettings:
        """Apply `changes` (already validated) and return the new settings."""
        with self._lock:
            self._current = replace(self._current, **changes)
            return self._current

    def restore(self) -> None:
        """Go back to the start-up settings."""
        with self._lock:
            self._current = self._initial

    def success(
        self, data: dict[str, Any], status: int = 200, message: str | None = None
    ) -> Response:
        """Return `data` wrapped as `{success, message?, data}`, or bare (plus `message`)."""
        if self._current.envelope == "bare":
            extra = {"message": message} if message and "message" not in data else {}
            return json_response(status, {**data, **extra})
        payload: dict[str, Any] = {"success": True}
        if message:
            payload["message"] = message
        payload["data"] = data
        return json_response(status, payload)

    def user(self, user: User) -> dict[str, Any]:
        """Return the JSON form of `user` with the configured id key."""
        current = self._current
        return user_json(user, current.user_id_key, current.user_id_type == "integer")

    def me(self, user: User, org: Organization | None) -> Response:
        """Return the /me answer in the configured shape."""
        settings = self._current  # One snapshot, even if reconfigured meanwhile.
        user_obj = user_json(user, settings.user_id_key, settings.user_id_type == "integer")
        extras = org_fields(org)
        if settings.org_field == "absent":
            del user_obj["org"], extras["organization"]
        shape = settings.me_shape
        if shape == "user":
            return json_response(200, {"ok": True, "user": user_obj, **extras})
        if shape == "data":
            return json_response(200, {"success": True, "data": {**user_obj, **extras}})
        if shape == "body":
            return json_response(200, user_obj)
        return self.success({"user": user_obj, **extras})


def org_fields(org: Organization | None) -> dict[str, Any]:
    """Return the `organization` and `licenses` members describing `org`."""
    if org is None:
        return {"organization": None, "licenses": {}}
    return {"organization": org_json(org), "licenses": licenses_json(org)}
