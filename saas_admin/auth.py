"""Talk to the auth server: log in, refresh a session, log out (docs/auth-server-contract.md, tolerantly)."""

from typing import Any

import requests

from .errors import ApiError, AuthenticationRequired, BadResponse, ServiceUnavailable
from .tokens import Tokens
from .transport import Transport, unavailable
from .wire import error_fields, json_body, unwrap, where

# Keys of a login answer that say nothing about who logged in.
NOT_IDENTITY = frozenset({"accessToken", "refreshToken", "success", "ok", "message"})


class AuthServer:
    """Call the auth server at `base_url`; return tokens, raise this package's errors."""

    def __init__(self, base_url: str, transport: Transport) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport

    def login(self, email: str, password: str) -> tuple[Tokens, dict[str, Any]]:
        """Return the new session's tokens and the rest of the answer (user, organization, ...).

        Raises ApiError when the credentials are refused (401) or the account may not sign in (403).
        """
        response = self._post("/api/auth/login", {"email": email, "password": password})
        if not response.ok:
            raise _api_error(response)
        data = _data(response)
        tokens = Tokens(_access_token(data, response), _optional_str(data.get("refreshToken")))
        return tokens, {key: value for key, value in data.items() if key not in NOT_IDENTITY}

    def refresh(self, refresh_token: str) -> Tokens:
        """Return fresh tokens, keeping `refresh_token` unless the server rotated it.

        Raises AuthenticationRequired when the server refuses the refresh token (any 4xx).
        """
        response = self._post("/api/auth/refresh", {"refreshToken": refresh_token})
        if 400 <= response.status_code < 500:
            code, detail = error_fields(response)
            raise AuthenticationRequired(f"the session is over, log in again ({detail})", code)
        if not response.ok:
            raise _api_error(response)
        data = _data(response)
        rotated = _optional_str(data.get("refreshToken"))
        return Tokens(_access_token(data, response), rotated or refresh_token)

    def logout(self, tokens: Tokens) -> None:
        """End the session upstream; raise when the auth server does not confirm it."""
        body = {"refreshToken": tokens.refresh_token} if tokens.refresh_token else {}
        headers = {"Authorization": f"Bearer {tokens.access_token}"}
        response = self._post("/api/auth/logout", body, headers=headers)
        if not response.ok:
            raise _api_error(response)

    def _post(self, path: str, body: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.transport.send("POST", self.base_url + path, json=body, **kwargs)


def _api_error(response: requests.Response) -> ApiError | ServiceUnavailable:
    """Return the error for a refusal (ApiError) or, for any 5xx, an outage."""
    if response.status_code >= 500:
        return unavailable(response)
    code, detail = error_fields(response)
    return ApiError(response.status_code, code or f"http_{response.status_code}", detail)


def _data(response: requests.Response) -> dict[str, Any]:
    """Return the answer's fields, enveloped or not; raise BadResponse if it is no object."""
    data = unwrap(json_body(response))
    if not isinstance(data, dict):
        raise BadResponse(f"{where(response)} answered something other than a JSON object")
    return data


def _access_token(data: dict[str, Any], response: requests.Response) -> str:
    token = data.get("accessToken")
    if not isinstance(token, str) or not token:
        raise BadResponse(f"{where(response)} answered without an accessToken")
    return token


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
