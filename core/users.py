"""Mirroring: write an Identity into the local user model, keyed by (issuer, remote user id).

Override `UserSync`'s hooks (and point `REMOTE_AUTH["USER_SYNC_CLASS"]` at the subclass) to change
the policy. Privilege flags are never set from remote data, and a missing name never blanks one.
Text is cleaned and cut to each column's size; an e-mail another local account holds is not
written (logged), so no two accounts share one.
"""

import hashlib
import logging
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .exceptions import UserDenied
from .identity import Identity
from .linking import LinkRefused, holders, link_target
from .metrics import record_sync_write
from .models import RemoteIdentity
from .text import clean_text

logger = logging.getLogger(__name__)

# Fields remote data may never write, whatever FIELD_MAP says.
PROTECTED_FIELDS = frozenset({"is_staff", "is_superuser", "is_active", "password", "last_login"})
# The size of RemoteIdentity's text columns.
MAX_LINK_TEXT = 254


def derive_username(issuer: str, remote_id: str, max_length: int = 150) -> str:
    """Return `issuer:remote_id`, or the issuer and a hash of the id when that is too long."""
    name = f"{issuer}:{remote_id}"
    if len(name) <= max_length:
        return name
    return f"{issuer[: max_length - 41]}:{hashlib.sha256(remote_id.encode()).hexdigest()[:40]}"


class UserSync:
    """Find, create or update the local user of an Identity; write only fields that changed."""

    def __init__(
        self,
        provisioning: str = "create",
        field_map: dict[str, str] | None = None,
        *,
        issuer: str = "local",
        link_unverified: bool = False,
    ):
        self.provisioning = provisioning
        self.issuer = issuer
        self.link_unverified = link_unverified
        mapping = field_map or {"email": "email"}
        self.field_map = {k: v for k, v in mapping.items() if k not in PROTECTED_FIELDS}
        self.user_model = get_user_model()

    def policy(self) -> str:
        """Return what decides how an identity is mirrored: a changed policy mirrors afresh."""
        fields = sorted(self.field_map.items())
        kind = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"{kind}:{self.issuer}:{self.provisioning}:{self.link_unverified}:{fields}"

    def sync(self, identity: Identity) -> tuple[Any, bool]:
        """Return (user, created) for `identity`; raise UserDenied when policy refuses it."""
        link = self.find(identity)
        if link is None:
            return self.provision(identity)
        self.update(link, identity)
        return link.user, False

    def find(self, identity: Identity) -> RemoteIdentity | None:
        """Return the link for (this issuer, the identity's remote id), with its user, or None."""
        return (
            RemoteIdentity.objects.select_related("user")
            .filter(issuer=self.issuer, remote_id=identity.remote_id)
            .first()
        )

    def provision(self, identity: Identity, *, retry: bool = True) -> tuple[Any, bool]:
        """Create (or link by e-mail) the local user of a first-seen identity.

        A concurrent request that took the link, the username or the account first is met by
        using its link, or by deciding once more.
        """
        if self.provisioning == "deny":
            raise UserDenied("provisioning is off for unknown users")
        user = self.find_by_email(identity) if self.provisioning == "link_email" else None
        try:
            with transaction.atomic():
                created = user is None
                user = user or self.create_user(identity)
                if not created:
                    self.update_user(user, identity)
                RemoteIdentity.objects.create(user=user, **self.link_fields(identity))
        except IntegrityError:
            link = self.find(identity)  # a concurrent request created it first
            if link is None and retry:
                return self.provision(identity, retry=False)
            if link is None:
                raise
            self.update(link, identity)
            return link.user, False
        logger.info("mirrored new remote user %s", self.describe(identity))
        return user, created

    def find_by_email(self, identity: Identity) -> Any:
        """Return the local user safe to link by e-mail, None to create one; raise UserDenied."""
        try:
            return link_target(identity, allow_unverified=self.link_unverified)
        except LinkRefused as exc:
            logger.warning("refused e-mail link of %s: %s", self.describe(identity), exc)
            raise UserDenied(str(exc)) from exc

    def create_user(self, identity: Identity) -> Any:
        """Create a local user with an unusable password and a username no one else holds."""
        user = self.user_model(
            **{self.user_model.USERNAME_FIELD: self.free_username(identity)},
            **self.user_fields(identity),
        )
        user.set_unusable_password()
        user.save()
        record_sync_write("user", "create")
        return user

    def free_username(self, identity: Identity) -> str:
        """Return the derived username, with a random suffix when a local user already holds it."""
        field = self.user_model.USERNAME_FIELD
        name = derive_username(self.issuer, identity.remote_id, self._max_length(field) - 9)
        taken = self.user_model.objects.filter(**{field: name}).exists()
        return f"{name}~{secrets.token_hex(4)}" if taken else name

    def update(self, link: RemoteIdentity, identity: Identity) -> None:
        """Write the fields of the user and the link that differ from the identity, if any."""
        user_changes = self.update_user(link.user, identity)
        link_changes = save_changes(link, self.link_fields(identity), "updated_at")
        if user_changes or link_changes:
            logger.info("updated remote user %s: %s", self.describe(identity), user_changes)

    def update_user(self, user: Any, identity: Identity) -> list[str]:
        """Write the user fields that differ from the identity; return their names."""
        changes = save_changes(user, self.user_fields(identity, user))
        if changes:
            record_sync_write("user", "update")
        return changes

    def user_fields(self, identity: Identity, user: Any = None) -> dict[str, Any]:
        """Return the user model fields to mirror, cleaned and cut to each column's size.

        A field the auth server omitted is left out, and so is an e-mail another account holds.
        """
        fields: dict[str, Any] = {}
        for name, attr in self.field_map.items():
            value = getattr(identity, attr, None)
            if isinstance(value, str):
                value = clean_text(value, self._max_length(name))
            if value is not None:
                fields[name] = value
        if "email" in fields and self._held_by_another(fields["email"], user):
            logger.warning(
                "kept the e-mail of %s: another account holds it", self.describe(identity)
            )
            del fields["email"]
        return fields

    def _held_by_another(self, email: str, user: Any) -> bool:
        if user is not None and getattr(user, "email", None) == email:
            return False
        return bool(email) and holders(email, exclude_pk=getattr(user, "pk", None)).exists()

    def _max_length(self, field_name: str) -> int:
        return int(getattr(self.user_model._meta.get_field(field_name), "max_length", None) or 254)

    def link_fields(self, identity: Identity) -> dict[str, Any]:
        """Return the RemoteIdentity fields to store for the identity."""
        org = identity.organization
        return {
            "issuer": self.issuer,
            "remote_id": identity.remote_id,
            "email": clean_text(identity.email or "", MAX_LINK_TEXT),
            "organization_id": clean_text(org.id, MAX_LINK_TEXT) if org else "",
        }

    def describe(self, identity: Identity) -> str:
        """Return how log lines name the identity: issuer and remote id, never its e-mail."""
        return f"issuer={self.issuer} remote_id={identity.remote_id}"


def save_changes(instance: Any, values: dict[str, Any], *also: str) -> list[str]:
    """Set and save only the fields whose value differs (with `also`, e.g. `updated_at`).

    Return the names of the changed fields; nothing differing means no query at all.
    """
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=[*changed, *also])
    return changed
