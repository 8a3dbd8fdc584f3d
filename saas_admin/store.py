"""Keep the CLI's session between invocations in a JSON file only its owner can read (0600).

The file also names the servers the tokens belong to, so they are never sent to other ones.
"""

import json
import os
import tempfile
from pathlib import Path

from .errors import AuthenticationRequired
from .tokens import Tokens

FILE_MODE = 0o600
DIR_MODE = 0o700


class TokenStore:
    """Load, save and delete the session file at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, auth_url: str, api_url: str) -> Tokens | None:
        """Return the saved tokens for these servers, None when there are none.

        Raises AuthenticationRequired when the file is unreadable or belongs to other servers.
        """
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AuthenticationRequired(f"cannot read {self.path}; log in again") from exc
        if not isinstance(data, dict):
            raise AuthenticationRequired(f"{self.path} is not a session file; log in again")
        if (data.get("authUrl"), data.get("apiUrl")) != (auth_url, api_url):
            raise AuthenticationRequired(
                f"the saved session is for {data.get('apiUrl')} (auth {data.get('authUrl')}); "
                "log in to this server first",
                "other_server",
            )
        try:
            return Tokens.from_dict(data)
        except ValueError as exc:
            raise AuthenticationRequired(f"{self.path} holds no usable tokens") from exc

    def save(self, tokens: Tokens, auth_url: str, api_url: str) -> None:
        """Write the tokens atomically, readable by the owner only."""
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        payload = {"authUrl": auth_url, "apiUrl": api_url, **tokens.to_dict()}
        fd, temp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                json.dump(payload, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def delete(self) -> None:
        """Remove the session file if it exists."""
        self.path.unlink(missing_ok=True)
