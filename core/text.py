"""Text from the auth server made safe to store: control characters out, cut to the column's size."""

import re
import unicodedata

# C0 and C1 controls and DEL: PostgreSQL refuses NUL, and none of them belongs in a name; lone
# surrogates (JSON may spell them, "\ud800") cannot even be encoded to UTF-8.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str, max_length: int) -> str:
    """Return `value` without control characters, trimmed and cut to `max_length` characters."""
    return _CONTROL.sub("", value).strip()[:max_length]


def has_control(value: str) -> bool:
    """Return True when `value` holds a character `clean_text` would strip (a control or surrogate)."""
    return _CONTROL.search(value) is not None


def email_key(email: str) -> str:
    """Return the one form e-mails are compared in: NFKC, Unicode case folding, trimmed."""
    return unicodedata.normalize("NFKC", email).casefold().strip()
