"""Keep cached snapshots honest: a local change to a mirrored user invalidates its cached tokens."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import RemoteIdentity
from .revocation import revoke_user


@receiver(post_save, sender=get_user_model(), dispatch_uid="core.user_saved")
def user_saved(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    """Invalidate the cached verifications of a mirrored user whose local record changed."""
    if created:
        return
    remote_id = (
        RemoteIdentity.objects.filter(user_id=instance.pk)
        .values_list("remote_id", flat=True)
        .first()
    )
    if remote_id:
        revoke_user(remote_id, revocation=False)
