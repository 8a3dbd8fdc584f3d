"""The identity headers ForwardAuth answers with, their values made safe to put in a header."""

import re

# Printable ASCII only: no CR/LF (header injection), no other control, nothing a proxy may mangle.
_UNSAFE = re.compile(r"[^\x20-\x7e]")
MAX_HEADER_VALUE = 512

IDENTITY_HEADERS = (
    "X-User-Id",
    "X-User-Email",
    "X-User-Roles",
    "X-Organization-Id",
    "X-Auth-Source",
    "X-Service-Name",
    "X-Service-Scopes",
)


def header_value(value: str) -> str:
    """Return `value` as a header value: printable ASCII, trimmed, at most MAX_HEADER_VALUE long."""
    return _UNSAFE.sub("", value).strip()[:MAX_HEADER_VALUE]


def identity_headers(values: dict[str, str | None]) -> dict[str, str]:
    """Return the sanitised identity headers among `values`, leaving out empty ones."""
    headers = {}
    for name in IDENTITY_HEADERS:
        value = header_value(values.get(name) or "")
        if value:
            headers[name] = value
    return headers
