"""Signals the adapter sends, for apps that hang their own models off a mirrored user."""

from django.dispatch import Signal

# Sent after every authoritative verification has been mirrored (not on cache hits), with
# `user`, `identity` (core.identity.Identity) and `created` (bool). Receivers must write only
# what changed and tolerate concurrent calls for the same user.
identity_verified = Signal()
