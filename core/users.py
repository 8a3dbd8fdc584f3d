"""Mirroring: write an Identity into the local user model, keyed by the auth server's user id.

Override `UserSync`'s hooks (and point `REMOTE_AUTH["USER_SYNC_CLASS"]` at the subclass) to change
the policy. Privilege flags are never set from remote data, and a missing name never blanks one.
"""

import logging
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .identity import Identity
from .metrics import record_sync_write
from .models import RemoteIdentity

logger = logging.getLogger(__name__)

# Fields remote data may never write, whatever FIELD_MAP says.
PROTECTED_FIELDS = frozenset({"is_staff", "is_superuser", "is_active", "password", "last_login"})
# Fields a cached snapshot carries; everything else (the password hash above all) stays deferred.
SNAPSHOT_FIELDS = ("email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")


class UserDenied(Exception):
    """Provisioning policy refuses this identity (mode `deny`, or an ambiguous e-mail link)."""


class UserSync:
    """Find, create or update the local user of an Identity; write only fields that changed."""

    def __init__(self, provisioning: str = "create", field_map: dict[str, str] | None = None):
        self.provisioning = provisioning
        mapping = field_map or {"email": "email"}
        self.field_map = {k: v for k, v in mapping.items() if k not in PROTECTED_FIELDS}
        self.user_model = get_user_model()

    def sync(self, identity: Identity) -> tuple[Any, bool]:
        """Return (user, created) for `identity`; raise UserDenied when policy refuses it."""
        link = self.find(identity)
        if link is None:
            return self.provision(identity)
        self.update(link, identity)
        return link.user, False

    def find(self, identity: Identity) -> RemoteIdentity | None:
        """Return the link for the identity's remote id, with its user, or None."""
        return (
            RemoteIdentity.objects.select_related("user")
            .filter(remote_id=identity.remote_id)
            .first()
        )

    def provision(self, identity: Identity) -> tuple[Any, bool]:
        """Create (or link by e-mail) the local user of a first-seen identity."""
        if self.provisioning == "deny":
            raise UserDenied("provisioning is off for unknown users")
        user = self.find_by_email(identity) if self.provisioning == "link_email" else None
        try:
            with transaction.atomic():
                created = user is None
                user = user or self.create_user(identity)
                RemoteIdentity.objects.create(user=user, **self.link_fields(identity))
        except IntegrityError:
            link = self.find(identity)  # a concurrent request created it first
            if link is None:
                raise
            self.update(link, identity)
            return link.user, False
        logger.info("mirrored new remote user %s", self.describe(identity))
        return user, created

    def find_by_email(self, identity: Identity) -> Any:
        """Return the one unlinked local user with the identity's e-mail, None if there is none."""
        if not identity.email:
            return None
        matches = list(
            self.user_model.objects.filter(
                email__iexact=identity.email, remote_identity__isnull=True
            )[:2]
        )
        if len(matches) > 1:
            raise UserDenied("several local users share this e-mail")
        return matches[0] if matches else None

    def create_user(self, identity: Identity) -> Any:
        """Create a local user with an unusable password; the remote id is its username."""
        user = self.user_model(
            **{self.user_model.USERNAME_FIELD: identity.remote_id}, **self.user_fields(identity)
        )
        user.set_unusable_password()
        user.save()
        record_sync_write("user", "create")
        return user

    def update(self, link: RemoteIdentity, identity: Identity) -> None:
        """Write the fields of the user and the link that differ from the identity, if any."""
        user_changes = _changes(link.user, self.user_fields(identity))
        if user_changes:
            link.user.save(update_fields=user_changes)
            record_sync_write("user", "update")
        link_changes = _changes(link, self.link_fields(identity))
        if link_changes:
            link.save(update_fields=[*link_changes, "updated_at"])
        if user_changes or link_changes:
            logger.info("updated remote user %s: %s", self.describe(identity), user_changes)

    def user_fields(self, identity: Identity) -> dict[str, Any]:
        """Return the user model fields to mirror; a field the auth server omitted is left out."""
        values = {field: getattr(identity, attr, None) for field, attr in self.field_map.items()}
        return {field: value for field, value in values.items() if value is not None}

    def link_fields(self, identity: Identity) -> dict[str, Any]:
        """Return the RemoteIdentity fields to store for the identity."""
        org = identity.organization
        return {
            "remote_id": identity.remote_id,
            "email": identity.email or "",
            "organization_id": org.id if org else "",
        }

    def describe(self, identity: Identity) -> str:
        """Return how log lines name the identity: its remote id, never its e-mail."""
        return f"remote_id={identity.remote_id}"


def _changes(instance: Any, values: dict[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def snapshot(user: Any) -> dict[str, Any]:
    """Return what `from_snapshot` needs to rebuild the user without a database query."""
    fields = [user._meta.pk.attname, user.USERNAME_FIELD, *SNAPSHOT_FIELDS]
    return {name: getattr(user, name) for name in dict.fromkeys(fields) if hasattr(user, name)}


def from_snapshot(data: dict[str, Any]) -> Any:
    """Rebuild a user from a snapshot; unsnapshotted fields load on access and are never saved."""
    model, names = _snapshot_layout(tuple(data))
    return model.from_db("default", names, [data[name] for name in names])


@cache
def _snapshot_layout(keys: tuple[str, ...]) -> tuple[Any, list[str]]:
    """Return the user model and the snapshot's field names in the model's field order."""
    model = get_user_model()
    return model, [f.attname for f in model._meta.concrete_fields if f.attname in keys]
