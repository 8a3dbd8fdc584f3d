"""Mirroring as the verifier's collaborator: write a vouched-for identity into the local user
model, announce it (`identity_verified`), and return the user's snapshot for the cache, all in
one transaction."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from .identity import Identity
from .signals import identity_verified
from .snapshots import snapshot
from .users import UserSync


class Mirror:
    """Sync an Identity with the user-mirroring policy `user_sync()` returns (read per call, so a
    settings change applies at once); send `identity_verified`; return the snapshot."""

    def __init__(self, user_sync: Callable[[], UserSync]) -> None:
        self.user_sync = user_sync

    def __call__(self, identity: Identity) -> dict[str, Any]:
        with transaction.atomic():
            user, created = self.user_sync().sync(identity)
            identity_verified.send(sender=Mirror, user=user, identity=identity, created=created)
        return snapshot(user)
