"""Parse the body of PATCH /__control__/users/<id or email> into field changes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import validation as v
from .passwords import hash_password

Reader = Callable[[dict[str, Any], str], Any]

# JSON key -> (User field, reader of the value)
FIELDS: dict[str, tuple[str, Reader]] = {
    "email": ("email", v.email_as_given),
    "firstName": ("first_name", v.required_str),
    "lastName": ("last_name", v.required_str),
    "role": ("role", v.required_str),
    "active": ("active", v.optional_bool),
    "emailVerified": ("email_verified", v.optional_bool),
    "products": ("products", v.products),
    "org": ("org_id", v.required_str),
}


@dataclass(frozen=True)
class OrgSpec:
    """Name an organization to create, rename or move the user to."""

    id: str
    name: str | None = None


@dataclass(frozen=True)
class UserPatch:
    """Hold validated User field changes and an optional organization to save first."""

    changes: dict[str, Any] = field(default_factory=dict)
    organization: OrgSpec | None = None


def parse_user_patch(body: dict[str, Any]) -> UserPatch:
    """Return the changes the body asks for; raise BadRequest on unknown or bad fields."""
    unknown = set(body) - set(FIELDS) - {"organization", "password"}
    if unknown:
        raise v.invalid(f"Unknown user fields: {', '.join(sorted(unknown))}.")
    if _no_organization(body):
        return UserPatch(changes={"org_id": ""})
    changes = {name: read(body, key) for key, (name, read) in FIELDS.items() if key in body}
    if any(value is None for value in changes.values()):
        raise v.invalid("User fields cannot be set to null.")
    if "password" in body:
        changes["password_hash"] = hash_password(v.new_password(body))
    spec = _org_spec(body.get("organization"))
    if spec is not None and changes.setdefault("org_id", spec.id) != spec.id:
        raise v.invalid("org and organization.id disagree.")
    return UserPatch(changes=changes, organization=spec)


def _no_organization(body: dict[str, Any]) -> bool:
    """Return True for `{"org": null}` or `{"organization": null}`: take the user out of any."""
    nulls = [key for key in ("org", "organization") if key in body and body[key] is None]
    if nulls and len(body) > len(nulls):
        raise v.invalid("Setting the organization to null cannot be combined with other changes.")
    return bool(nulls)


def _org_spec(value: Any) -> OrgSpec | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise v.invalid("organization must be an object with id and name.")
    return OrgSpec(id=v.required_str(value, "id"), name=v.optional_str(value, "name"))
