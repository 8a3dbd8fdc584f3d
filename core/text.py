"""Text from the auth server made safe to store: control characters out, cut to the column's size."""

import re
import unicodedata

# C0 and C1 controls and DEL: PostgreSQL refuses NUL, and none of them belongs in a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value: str, max_length: int) -> str:
    """Return `value` without control characters, trimmed and cut to `max_length` characters."""
    return _CONTROL.sub("", value).strip()[:max_length]


def email_key(email: str) -> str:
    """Return the one form e-mails are compared in: NFKC, Unicode case folding, trimmed."""
    return unicodedata.normalize("NFKC", email).casefold().strip()
