"""Membership roles and their order: owner > admin > manager > user > viewer."""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    USER = "user", "User"
    VIEWER = "viewer", "Viewer"


RANKS: dict[str, int] = {
    Role.VIEWER: 0,
    Role.USER: 1,
    Role.MANAGER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


def at_least(role: str, minimum: str) -> bool:
    """Return True when `role` ranks at or above `minimum`; an unknown role ranks below all."""
    return RANKS.get(role, -1) >= RANKS[minimum]


def known_role(value: str | None) -> Role | None:
    """Return the Role named by `value` (case and spaces ignored), or None when it names none."""
    if not isinstance(value, str):
        return None
    name = value.strip().lower()
    return Role(name) if name in Role.values else None
