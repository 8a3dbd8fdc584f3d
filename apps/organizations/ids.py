"""What an organization id may look like, on the way in from the auth server and from callers.

The contract only assumes UUIDs, so any opaque id of safe characters is accepted; everything
else (spaces, slashes, control characters, more than 254 characters) is malformed.
"""

import re

MAX_LENGTH = 254
_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def is_valid_organization_id(value: str) -> bool:
    """Return True when `value` is a well-formed organization id."""
    return len(value) <= MAX_LENGTH and _PATTERN.fullmatch(value) is not None
