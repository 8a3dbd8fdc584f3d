"""Signals the adapter sends, for apps that hang their own models off a mirrored user."""

from django.dispatch import Signal

# Sent after an authoritative verification has been mirrored, inside its transaction, with
# `user`, `identity` (core.identity.Identity) and `created` (bool): not on cache hits, nor for a
# known user whose identity is unchanged since the last mirroring (core.known). Receivers must
# derive what they write from `identity` alone, write only what changed and tolerate concurrent
# calls for the same user.
identity_verified = Signal()
