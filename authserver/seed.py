"""Load the seed file (organizations and users with plain passwords) into records."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import PRODUCTS, Organization, User
from .passwords import hash_password


class SeedError(ValueError):
    """Raised when the seed file is missing, not JSON, or inconsistent."""


@dataclass(frozen=True)
class Seed:
    """Hold the records a fresh or reset server starts from."""

    organizations: tuple[Organization, ...]
    users: tuple[User, ...]


def load_seed(path: Path) -> Seed:
    """Read and validate `path`; raise SeedError naming the first problem found."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SeedError(f"cannot read seed {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise SeedError(f"seed {path} must be a JSON object")
    orgs = tuple(_organization(item) for item in _items(raw, "organizations"))
    users = tuple(_user(item) for item in _items(raw, "users"))
    _check_references(orgs, users)
    return Seed(organizations=orgs, users=users)


def _items(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = raw.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SeedError(f"seed key {key!r} must be a list of objects")
    return items


def _organization(item: dict[str, Any]) -> Organization:
    licenses = item.get("licenses", {})
    if not isinstance(licenses, dict):
        raise SeedError(f"licenses of organization {item.get('id')!r} must be an object")
    return Organization(id=_text(item, "id"), name=_text(item, "name"), licenses=licenses)


def _user(item: dict[str, Any]) -> User:
    products = item.get("products", [])
    if not isinstance(products, list) or not set(products) <= set(PRODUCTS):
        raise SeedError(f"products of user {item.get('email')!r} must be among {PRODUCTS}")
    return User(
        id=_text(item, "id"),
        email=_text(item, "email").lower(),
        password_hash=hash_password(_text(item, "password")),
        first_name=_text(item, "firstName"),
        last_name=_text(item, "lastName"),
        org_id=_text(item, "org"),
        products=tuple(products),
        role=str(item.get("role", "member")),
        email_verified=bool(item.get("emailVerified", False)),
        active=bool(item.get("active", True)),
    )


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise SeedError(f"seed field {key!r} must be a non-empty string in {sorted(item)}")
    return value


def _check_references(orgs: tuple[Organization, ...], users: tuple[User, ...]) -> None:
    org_ids = {org.id for org in orgs}
    emails = [user.email for user in users]
    if len(set(emails)) != len(emails):
        raise SeedError("seed user emails must be unique")
    if len({user.id for user in users}) != len(users) or len(org_ids) != len(orgs):
        raise SeedError("seed ids must be unique")
    for user in users:
        if user.org_id not in org_ids:
            raise SeedError(f"user {user.email} names unknown organization {user.org_id}")
