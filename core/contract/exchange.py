"""Record what the auth server last answered, so a probe can check the raw body against the contract.

`AuthServiceClient` maps answers to Identity, data or errors; the recorder, a `requests` response
hook on the client's session, keeps the status, content type and parsed body beside that. Bodies
hold tokens: they stay in memory and are never part of a repr.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from core.client import MAX_BODY_BYTES


@dataclass(frozen=True)
class Exchange:
    """One answer: `body` is the parsed JSON (None when empty), `is_json` False when unparsable."""

    path: str
    status: int
    content_type: str
    location: str | None
    is_json: bool
    body: Any = field(default=None, repr=False)


class Recorder:
    """Keep the last answer received through the sessions it is attached to."""

    def __init__(self) -> None:
        self.last: Exchange | None = None

    def attach(self, session: requests.Session) -> requests.Session:
        """Hook into `session` and return it."""
        session.hooks["response"].append(self)
        return session

    def take(self) -> Exchange | None:
        """Return the last answer and forget it, so a stale one is never checked twice."""
        last, self.last = self.last, None
        return last

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        is_json, body = _parse(response)
        self.last = Exchange(
            path=urlsplit(response.url).path,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", "").split(";")[0].strip(),
            location=response.headers.get("Location"),
            is_json=is_json,
            body=body,
        )


def _parse(response: requests.Response) -> tuple[bool, Any]:
    if not response.content:
        return True, None
    if len(response.content) > MAX_BODY_BYTES:
        return False, None
    try:
        return True, response.json()
    except ValueError:
        return False, None
