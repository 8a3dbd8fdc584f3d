"""Define the records the server keeps: users and organizations, immutable snapshots."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PRODUCTS = ("teamspace", "buildeasy", "autoflow", "all")


@dataclass(frozen=True)
class Organization:
    """Describe one organization and its licenses keyed by product code."""

    id: str
    name: str
    licenses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class User:
    """Describe one account; `password_hash` never leaves the server."""

    id: str
    email: str
    password_hash: str
    first_name: str
    last_name: str
    org_id: str  # "" for none: answered as `"org": null, "organization": null`
    products: tuple[str, ...] = ()
    role: str = "member"
    email_verified: bool = False
    active: bool = True
    number: int = 0  # 1, 2, ... in the order users were stored: the id when ids are integers


def user_json(user: User, id_key: str = "sub", integer_id: bool = False) -> dict[str, Any]:
    """Return the public JSON form of `user`, its id (or number) under `id_key`."""
    return {
        id_key: user.number if integer_id else user.id,
        "email": user.email,
        "org": user.org_id or None,
        "products": list(user.products),
        "firstName": user.first_name,
        "lastName": user.last_name,
        "emailVerified": user.email_verified,
        "role": user.role,
    }


def org_json(org: Organization) -> dict[str, Any]:
    """Return the public JSON form of `org` (without its licenses)."""
    return {"id": org.id, "name": org.name}


def licenses_json(org: Organization) -> dict[str, Any]:
    """Return the licenses of `org` as a JSON object keyed by product code."""
    return {code: dict(terms) for code, terms in org.licenses.items()}
