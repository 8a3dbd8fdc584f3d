"""Small assertions shared by the organization and subscription API tests."""

from typing import Any


def error(response: Any) -> tuple[int, str]:
    """Return the status and the `code` of an API error response."""
    return response.status_code, response.data["code"]


def get_as(api: Any, url: str, token: str) -> Any:
    """GET `url` with `token` as the Bearer credential."""
    return api.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
