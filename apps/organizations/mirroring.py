"""Mirroring: write the organization and membership an Identity names into local models.

After each authoritative verification a user's mirrored memberships are exactly what the auth
server says: its organization (active), nothing else active. An explicit "no organization" (or an
id we cannot store, logged) switches every mirrored membership off; silence changes nothing.
Memberships staff created here (origin `local`) are never touched.

Writes happen only when something differs, so a repeated verification costs one query. Concurrent
first requests are safe: rows are keyed by unique constraints and created with `get_or_create`,
which re-reads the winner's row after an IntegrityError.
"""

import logging
from typing import Any

from django.utils import timezone

from core.identity import Identity
from core.identity import Organization as RemoteOrganization
from core.users import save_changes

from .ids import is_valid_organization_id
from .models import Membership, Organization
from .roles import Role, known_role

logger = logging.getLogger(__name__)


def mirror_membership(user: Any, identity: Identity) -> Membership | None:
    """Return the user's membership of the identity's organization, written only where it changed.

    The user's other active mirrored memberships are switched off: a user belongs to one
    organization at the auth server. None when the identity names no organization.
    """
    if identity.organization is None and not identity.organization_stated:
        return None  # the auth server does not say: leave memberships as they are
    remote = storable(identity)
    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    current = join(user, remote, memberships, identity) if remote else None
    mirrored = [m for m in memberships if m.origin == Membership.Origin.AUTH_SERVER]
    deactivate([m for m in mirrored if m != current and m.is_active], identity)
    return current


def storable(identity: Identity) -> RemoteOrganization | None:
    """Return the identity's organization, None when it has none or one we cannot store (logged)."""
    remote = identity.organization
    if remote is not None and not is_valid_organization_id(remote.id):
        logger.warning("ignored malformed organization id of remote user %s", identity.remote_id)
        return None
    return remote


def join(
    user: Any, remote: RemoteOrganization, memberships: list[Membership], identity: Identity
) -> Membership:
    """Return the user's membership of `remote`, mirrored; one staff created is left as it is."""
    current = next((m for m in memberships if m.organization.remote_id == remote.id), None)
    if current is not None and current.origin == Membership.Origin.LOCAL:
        return current
    organization = current.organization if current else ensure_organization(remote)
    rename(organization, remote.name)
    role = known_role(identity.role)
    if current is None:
        current = ensure_membership(user, organization, role)
    update_membership(current, role)
    return current


def ensure_organization(remote: RemoteOrganization) -> Organization:
    """Return the organization with the remote id, creating it when it is new."""
    organization, created = Organization.objects.get_or_create(
        remote_id=remote.id, defaults={"name": remote.name or ""}
    )
    if created:
        logger.info("mirrored new organization %s", remote.id)
    return organization


def rename(organization: Organization, name: str | None) -> None:
    """Store the auth server's name when it gave one that differs; a missing name blanks nothing."""
    if name and save_changes(organization, {"name": name}, "updated_at"):
        logger.info("renamed organization %s", organization.remote_id)


def ensure_membership(user: Any, organization: Organization, role: Role | None) -> Membership:
    """Return the user's membership of the organization, creating it (default role `user`)."""
    membership, _ = Membership.objects.select_related("organization").get_or_create(
        user=user,
        organization=organization,
        defaults={"role": role or Role.USER, "origin": Membership.Origin.AUTH_SERVER},
    )
    return membership


def update_membership(membership: Membership, role: Role | None) -> None:
    """Activate the membership and apply the auth server's role, writing only what differs.

    A role the auth server states that is one of ours (owner, admin, manager, user, viewer) wins,
    since it owns users. Anything else ("member", absent, a typo) keeps the stored role: guessing
    a mapping could silently grant or remove privileges that staff assigned here.
    """
    changes: dict[str, Any] = {"is_active": True}
    if role is not None:
        changes["role"] = role
    save_changes(membership, changes, "updated_at")


def deactivate(memberships: list[Membership], identity: Identity) -> None:
    """Switch off mirrored memberships of organizations the auth server no longer puts the user in."""
    if not memberships:
        return
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(
        is_active=False, updated_at=timezone.now()
    )
    for membership in memberships:
        membership.is_active = False
        logger.info(
            "deactivated membership of remote user %s in organization %s",
            identity.remote_id,
            membership.organization.remote_id,
        )
