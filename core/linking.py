"""Which local account, if any, a first-seen identity may be linked to by its e-mail.

Linking hands an existing account to whoever controls the auth-server account, so it happens only
when nothing is in doubt: a verified e-mail (unless the operator allows unverified ones), taken as
the auth server sent it, held by exactly one unlinked account with no staff or superuser flag.
Anything else is for an operator: `manage.py link_identity`.
"""

from typing import Any

from django.contrib.auth import get_user_model

from .identity import Identity
from .text import email_key


class LinkRefused(Exception):
    """A local account matches the identity's e-mail, but linking to it is not safe."""


def holders(email: str, *, exclude_pk: Any = None) -> Any:
    """Return the local users whose e-mail compares equal to `email` (by core.text.email_key)."""
    users = get_user_model().objects.filter(email_key__key=email_key(email))
    return users.exclude(pk=exclude_pk) if exclude_pk is not None else users


def link_target(identity: Identity, *, allow_unverified: bool) -> Any:
    """Return the local user to link `identity` to, None to create one; raise LinkRefused."""
    if not identity.email or not identity.email_exact:
        return None
    matches = list(holders(identity.email)[:2])
    if not matches:
        return None
    if len(matches) > 1:
        raise LinkRefused("several local users share this e-mail")
    user = matches[0]
    if user.is_staff or user.is_superuser:
        raise LinkRefused("the e-mail belongs to a staff account")
    if hasattr(user, "remote_identity"):
        raise LinkRefused("the e-mail belongs to an account linked to another identity")
    if identity.email_verified is not True and not allow_unverified:
        raise LinkRefused("the e-mail is not verified at the auth server")
    return user
