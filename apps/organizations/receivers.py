"""Mirror the caller's organization and membership after every authoritative verification, and
mirror them again after a local edit of a mirrored membership."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.receivers import local_user_changed
from core.signals import identity_verified

from .mirroring import mirror_membership
from .models import Membership


@receiver(identity_verified, dispatch_uid="organizations.mirror_membership")
def mirror_on_verification(sender: type, user: Any, identity: Any, **kwargs: Any) -> None:
    """Write the identity's organization and the user's membership, where they changed."""
    mirror_membership(user, identity)


@receiver(post_save, sender=Membership, dispatch_uid="organizations.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="organizations.membership_deleted")
def mirrored_membership_changed(sender: type, instance: Membership, **kwargs: Any) -> None:
    """A mirrored membership follows the auth server: after staff change or delete one here, the
    user's next token mirrors it again (its known-user snapshot ends, core.known), as it did
    before snapshots. Created rows need nothing (first-seen users are mirrored anyway); memberships
    created here (origin `local`) are never mirrored, so their edits end nothing."""
    created = kwargs.get("created", False)
    if instance.origin == Membership.Origin.AUTH_SERVER and not created:
        local_user_changed(instance.user_id)
