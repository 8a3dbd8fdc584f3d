"""Hold a session's tokens; export and import them without ever showing them in a repr."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, repr=False)
class Tokens:
    """An access token and, when the auth server issued one, its refresh token."""

    access_token: str
    refresh_token: str | None = None

    def __post_init__(self) -> None:
        if not self.access_token:
            raise ValueError("access_token must not be empty")

    def __repr__(self) -> str:
        refresh = "None" if self.refresh_token is None else "'<redacted>'"
        return f"Tokens(access_token='<redacted>', refresh_token={refresh})"

    def to_dict(self) -> dict[str, str | None]:
        """Return the tokens as JSON-ready camelCase keys (the auth server's spelling)."""
        return {"accessToken": self.access_token, "refreshToken": self.refresh_token}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Tokens":
        """Return tokens read from `to_dict()` output; raise ValueError if they are unusable."""
        access, refresh = data.get("accessToken"), data.get("refreshToken")
        if not isinstance(access, str) or not isinstance(refresh, str | None):
            raise ValueError("accessToken and refreshToken must be strings")
        return cls(access, refresh or None)
