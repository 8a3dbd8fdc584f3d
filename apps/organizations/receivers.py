"""Mirror the caller's organization and membership after every authoritative verification."""

from typing import Any

from django.dispatch import receiver

from core.signals import identity_verified

from .mirroring import mirror_membership


@receiver(identity_verified, dispatch_uid="organizations.mirror_membership")
def mirror_on_verification(sender: type, user: Any, identity: Any, **kwargs: Any) -> None:
    """Write the identity's organization and the user's membership, where they changed."""
    mirror_membership(user, identity)
