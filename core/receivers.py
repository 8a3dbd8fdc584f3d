"""Keep derived state honest: e-mail keys follow users, and a local change to a mirrored user
(its record or its link saved, or the user or its link deleted) invalidates its cached tokens and
its known-user snapshot (core.known), on every instance: at once, and again when the change's
transaction commits (core.commit).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .commit import now_and_at_commit
from .conf import remote_auth_settings as conf
from .models import EmailKey, RemoteIdentity
from .revocation import revoke_user
from .text import email_key


@receiver(post_save, sender=get_user_model(), dispatch_uid="core.user_email_key")
def keep_email_key(sender: type, instance: Any, **kwargs: Any) -> None:
    """Store the saved user's e-mail in its comparable form, where it changed."""
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "email" not in update_fields:
        return
    key = email_key(getattr(instance, "email", "") or "")
    EmailKey.objects.update_or_create(user_id=instance.pk, defaults={"key": key})


def local_user_changed(user_pk: Any) -> None:
    """Make a mirrored user's cached answers and known-user snapshot re-verify, on every instance,
    after a local change to something mirroring writes (the user's record, its memberships)."""
    remote_id = (
        RemoteIdentity.objects.filter(user_id=user_pk, issuer=conf.ISSUER_ID)
        .values_list("remote_id", flat=True)
        .first()
    )
    if remote_id:
        forget_user(remote_id)


def forget_user(remote_id: str) -> None:
    """Invalidate a user's cached answers and snapshot now and when the transaction commits."""
    now_and_at_commit(lambda: revoke_user(remote_id, revocation=False))


@receiver(post_save, sender=get_user_model(), dispatch_uid="core.user_saved")
def user_saved(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    """Invalidate the cached verifications of a mirrored user whose local record changed."""
    if not created:
        local_user_changed(instance.pk)


@receiver(post_save, sender=RemoteIdentity, dispatch_uid="core.link_saved")
def link_saved(sender: type, instance: RemoteIdentity, created: bool, **kwargs: Any) -> None:
    """Make the cached answers and the snapshot of a user whose link changed re-verify (a link
    pointed at another local user must not keep serving the old one)."""
    if not created and instance.issuer == conf.ISSUER_ID:
        forget_user(instance.remote_id)


@receiver(post_delete, sender=RemoteIdentity, dispatch_uid="core.link_deleted")
def link_deleted(sender: type, instance: RemoteIdentity, **kwargs: Any) -> None:
    """Make the cached answers of an unlinked (or deleted) user re-verify: they name a local user
    who is gone, and the next verification decides by AUTH_PROVISIONING."""
    if instance.issuer == conf.ISSUER_ID:
        forget_user(instance.remote_id)
