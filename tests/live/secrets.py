"""Keep live tokens out of every output: sealed in a type whose repr hides them.

Answers are sealed as they arrive: every token-like value (a known token key, or any JWT-shaped
string) is replaced by a placeholder of the same shape, so schemas still judge the body, and kept
aside as a `Secret`. Tracebacks, assertion messages and test ids can only ever show placeholders.
"""

import re
from dataclasses import dataclass, field
from typing import Any

TOKEN_KEYS = frozenset({"accessToken", "refreshToken", "token", "access_token", "refresh_token"})
JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
JWT_PLACEHOLDER = "sealed.sealed.sealed"
PLACEHOLDER = "sealed"


class Secret:
    """A token: `reveal()` gives it to the wire, nothing else shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the token itself (for a request header or body only)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Sealed:
    """A parsed body with its tokens replaced by placeholders, and the tokens by key."""

    body: Any
    secrets: dict[str, Secret] = field(default_factory=dict, repr=False)


def seal(body: Any) -> Sealed:
    """Return `body` with every token replaced by a placeholder, and the tokens found."""
    secrets: dict[str, Secret] = {}
    return Sealed(_seal(body, secrets, key=None), secrets)


def reveal_all(value: Any) -> Any:
    """Return `value` with every Secret in it replaced by the token (for the wire only)."""
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, dict):
        return {key: reveal_all(item) for key, item in value.items()}
    return value


def _seal(value: Any, secrets: dict[str, Secret], key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _seal(item, secrets, k) for k, item in value.items()}
    if isinstance(value, list):
        return [_seal(item, secrets, None) for item in value]
    if isinstance(value, str) and (key in TOKEN_KEYS or JWT.match(value)):
        secrets.setdefault(key or "jwt", Secret(value))
        return JWT_PLACEHOLDER if JWT.match(value) else PLACEHOLDER
    return value
