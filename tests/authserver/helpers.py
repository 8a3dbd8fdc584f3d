"""Small HTTP helpers shared by the auth server tests."""

from typing import Any

import requests

from tests.fixtures.authserver import LocalAuthServer

TIMEOUT = 5


def bearer(token: str) -> dict[str, str]:
    """Return an Authorization header carrying `token`."""
    return {"Authorization": f"Bearer {token}"}


def post(
    server: LocalAuthServer, path: str, body: Any = None, timeout: float = TIMEOUT, **kw: Any
) -> requests.Response:
    """POST JSON `body` to /api/auth/<path>."""
    return requests.post(f"{server.url}/api/auth/{path}", json=body, timeout=timeout, **kw)


def me(server: LocalAuthServer, token: str, **kw: Any) -> requests.Response:
    """GET /api/auth/me with `token` as Bearer."""
    return get(server, "/api/auth/me", headers=bearer(token), **kw)


def get(
    server: LocalAuthServer, path: str, timeout: float = TIMEOUT, **kw: Any
) -> requests.Response:
    """GET an absolute `path` of the server."""
    return requests.get(f"{server.url}{path}", timeout=timeout, **kw)
