"""Call SaaS Admin with a Bearer token, refreshing the session once when a token is refused.

Errors are those of `saas_admin.errors`. One client may be shared by threads: a refused token
starts one refresh at a time, and threads refused with a token that has since been replaced
reuse the new one instead of refreshing again.
"""

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from .auth import AuthServer
from .errors import ApiError, AuthenticationRequired, BadResponse, ServiceUnavailable
from .tokens import Tokens
from .transport import Timeout, Transport
from .wire import error_fields, json_body

JSON = dict[str, Any]


class SaaSAdminClient:
    """Log in at the auth server at `auth_url` and call the SaaS Admin API at `api_url`."""

    def __init__(
        self,
        auth_url: str,
        api_url: str,
        *,
        session: requests.Session | None = None,
        timeout: Timeout = (3, 10),
        max_retries: int = 3,
        max_retry_wait: float = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._transport = Transport(
            session,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            sleep=sleep,
        )
        self._auth = AuthServer(auth_url, self._transport)
        self._tokens: Tokens | None = None
        self._lock = threading.Lock()  # guards _tokens; held only for reads and swaps
        self._refresh_lock = threading.Lock()  # one refresh at a time

    @property
    def auth_url(self) -> str:
        """Return the auth server's base URL."""
        return self._auth.base_url

    def __repr__(self) -> str:
        state = "logged in" if self.tokens else "logged out"
        return f"<SaaSAdminClient api_url={self.api_url!r} auth_url={self.auth_url!r} {state}>"

    @property
    def tokens(self) -> Tokens | None:
        """Return the current session's tokens (for a token store), None when logged out."""
        with self._lock:
            return self._tokens

    @tokens.setter
    def tokens(self, tokens: Tokens | None) -> None:
        with self._lock:
            self._tokens = tokens

    # -- session -----------------------------------------------------------------------

    def login(self, email: str, password: str) -> JSON:
        """Log in at the auth server; return who logged in (user, organization, licenses)."""
        tokens, identity = self._auth.login(email, password)
        self.tokens = tokens
        return identity

    def logout(self) -> None:
        """End the session at SaaS Admin (falling back to the auth server); forget the tokens.

        The tokens are forgotten even when both servers fail, which then raise.
        """
        with self._lock:
            tokens, self._tokens = self._tokens, None
        if tokens is None:
            return
        body = {"refreshToken": tokens.refresh_token} if tokens.refresh_token else {}
        try:
            response = self._send("POST", "/api/auth/logout", tokens.access_token, json=body)
        except ServiceUnavailable:
            self._auth.logout(tokens)
            return
        if not response.ok:
            raise api_error(response)

    # -- the API -----------------------------------------------------------------------

    def whoami(self) -> JSON:
        """Return the caller as SaaS Admin sees them: user, organization, authSource."""
        return self._object("GET", "/api/auth/verify")

    def organizations(self) -> list[JSON]:
        """Return the organizations the caller is an active member of (id, name, role, status)."""
        organizations = self._object("GET", "/api/organizations/").get("organizations")
        if not isinstance(organizations, list):
            raise BadResponse("GET /api/organizations/ answered no list of organizations")
        return organizations

    def organization(self, organization_id: str) -> JSON:
        """Return one organization of the caller with its subscriptions; ApiError 404 if not theirs."""
        return self._object("GET", f"/api/organizations/{quote(str(organization_id), safe='')}/")

    def check_subscription(self, organization_id: str, product_code: str) -> JSON:
        """Return the subscription check; `hasActiveSubscription` is guaranteed to be a bool."""
        params = {"organizationId": organization_id, "productCode": product_code}
        body = self._object("GET", "/api/subscriptions/check", params=params)
        if not isinstance(body.get("hasActiveSubscription"), bool):
            raise BadResponse("GET /api/subscriptions/check answered no hasActiveSubscription")
        return body

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Return SaaS Admin's JSON answer (None when empty) to an authenticated request.

        `path` starts with "/" (the token never goes to another host); `kwargs` go to requests.
        """
        response = self._authorized(method.upper(), path, **kwargs)
        if not response.ok:
            raise api_error(response)
        return json_body(response)

    # -- internals ---------------------------------------------------------------------

    def _object(self, method: str, path: str, **kwargs: Any) -> JSON:
        body = self.request(method, path, **kwargs)
        if not isinstance(body, dict):
            raise BadResponse(f"{method} {path} answered something other than a JSON object")
        return body

    def _authorized(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send with the current token; on a 401, refresh once and send again."""
        used = self._access_token()
        response = self._send(method, path, used, **kwargs)
        if response.status_code != 401:
            return response
        self._refresh_after(used, response)
        response = self._send(method, path, self._access_token(), **kwargs)
        if response.status_code == 401:
            raise session_refused(response)
        return response

    def _refresh_after(self, used: str, refusal: requests.Response) -> None:
        """Replace the refused token `used`, unless another thread already did."""
        with self._refresh_lock:
            current = self.tokens
            if current is None:
                raise AuthenticationRequired("logged out, or the session is over: log in again")
            if current.access_token != used:
                return
            if current.refresh_token is None:
                raise session_refused(refusal)
            try:
                fresh = self._auth.refresh(current.refresh_token)
            except AuthenticationRequired:
                self._swap(current, None)
                raise
            self._swap(current, fresh)

    def _swap(self, expected: Tokens, new: Tokens | None) -> None:
        """Install `new` unless the tokens changed meanwhile (a login wins over a refresh)."""
        with self._lock:
            if self._tokens is expected:
                self._tokens = new

    def _access_token(self) -> str:
        tokens = self.tokens
        if tokens is None:
            raise AuthenticationRequired("not logged in: log in first")
        return tokens.access_token

    def _send(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError("path must start with a single '/', relative to api_url")
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
        headers.setdefault("Accept", "application/json")
        return self._transport.send(method, self.api_url + path, headers=headers, **kwargs)


def session_refused(response: requests.Response) -> AuthenticationRequired:
    """Return the error for a token SaaS Admin still refuses, with its code."""
    code, detail = error_fields(response)
    return AuthenticationRequired(f"SaaS Admin refused the session ({detail}): log in again", code)


def api_error(response: requests.Response) -> ApiError:
    """Return the error for any other error answer of SaaS Admin."""
    code, detail = error_fields(response)
    return ApiError(response.status_code, code or f"http_{response.status_code}", detail)
