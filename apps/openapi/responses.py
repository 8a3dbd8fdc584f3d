"""Error responses for `extend_schema`: the Error body, the codes an operation answers, the headers.

    ErrorResponse("Malformed id.", {"invalid_id": "..."})         inline in one operation
    UNAUTHORIZED, NOT_PROVISIONED, AUTH_SERVICE_UNAVAILABLE,     shared: components/responses
    TOO_MANY_UNVERIFIED_TOKENS, TOO_MANY_REQUESTS

`apps.openapi.schema.AutoSchema` adds the three authentication responses to every operation that
requires a Bearer token, so views list only the errors of their own.
"""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

WWW_AUTHENTICATE: dict[str, Any] = {
    "WWW-Authenticate": {
        "description": 'The challenge, e.g. `Bearer realm="api", error="invalid_token"`.',
        "required": True,
        "schema": {"type": "string"},
    }
}
RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


class ErrorResponse(OpenApiResponse):
    """An error response: the Error body whose `code` is one of `codes` (code → when it happens).

    With `component`, the response is shared under that name in `components/responses`.
    """

    def __init__(
        self,
        summary: str,
        codes: Mapping[str, str],
        *,
        headers: Mapping[str, Any] | None = None,
        component: str | None = None,
    ) -> None:
        lines = "\n".join(f"- `{code}`: {meaning}" for code, meaning in codes.items())
        super().__init__(response=ErrorSerializer, description=f"{summary}\n\n{lines}")
        self.summary = summary
        self.codes = dict(codes)
        self.headers = dict(headers or {})
        self.component = component

    def merged(self, other: "ErrorResponse") -> "ErrorResponse":
        """Return one inline response with this response's summary and both responses' codes."""
        return ErrorResponse(
            self.summary,
            {**self.codes, **other.codes},
            headers={**self.headers, **other.headers},
        )


def validation_error(**codes: str) -> ErrorResponse:
    """Return the 400 of an operation with a JSON body, plus its own 400 `codes`."""
    return ErrorResponse(
        "The request is malformed.",
        {
            "invalid": "a field is missing or invalid; `errors` lists the messages per field",
            "parse_error": "the body is not valid JSON",
            **codes,
        },
    )


UNAUTHORIZED = ErrorResponse(
    "No valid credentials. Send `Authorization: Bearer <token>`.",
    {
        "not_authenticated": "no `Authorization: Bearer` header",
        "bad_authorization_header": "the header is not `Bearer <token>` (empty, extra parts, "
        "non-ASCII, over 4096 characters)",
        "token_not_valid": "the auth server rejected the token (invalid, forged, revoked, "
        "logged out, user disabled there), or a local token is not valid",
        "token_expired": "the token's own `exp` has passed",
        "user_inactive": "the user is deactivated in SaaS Admin",
        "user_not_found": "a local token names a user that no longer exists",
    },
    headers=WWW_AUTHENTICATE,
    component="Unauthorized",
)
NOT_PROVISIONED = ErrorResponse(
    "The caller is authenticated but may not use SaaS Admin.",
    {
        "user_not_provisioned": "unknown user and provisioning is `deny`, or an e-mail link "
        "refused as unsafe (unverified e-mail, staff account, e-mail shared by two accounts)",
    },
    component="NotProvisioned",
)
AUTH_SERVICE_UNAVAILABLE = ErrorResponse(
    "The auth server or the database could not answer and nothing usable is cached: try again "
    "later. Never a 401.",
    {
        "auth_service_unavailable": "the auth server is unreachable, over its deadline "
        "(connect + read timeout), failing, rate-limiting us or answering nonsense",
        "service_unavailable": "the database is unreachable or over its connect or statement "
        "timeout",
    },
    headers=RETRY_AFTER,
    component="AuthServiceUnavailable",
)
UNVERIFIED_TOKENS = {
    "too_many_unverified_tokens": "this client address spent its share of the calls to the auth "
    "server (`AUTH_UPSTREAM_BUDGET_PER_CLIENT` per minute); tokens already verified still work",
}
CALLER_RATE = {
    "throttled": "this caller spent its rate limit (`API_RATE_LIMIT` with bursts of "
    "`API_RATE_BURST`; off unless set)",
}
TOO_MANY_UNVERIFIED_TOKENS = ErrorResponse(
    "Too many requests from this caller, or new tokens from this client address.",
    {**UNVERIFIED_TOKENS, **CALLER_RATE},
    headers=RETRY_AFTER,
    component="TooManyUnverifiedTokens",
)
TOO_MANY_REQUESTS = ErrorResponse(
    "Too many attempts from this client address.",
    {
        "throttled": "this endpoint's rate for the client address (or, for a password login, "
        "for the account from this address) is spent",
        **UNVERIFIED_TOKENS,
    },
    headers=RETRY_AFTER,
    component="TooManyRequests",
)

AUTHENTICATED: dict[str, ErrorResponse] = {
    "401": UNAUTHORIZED,
    "403": NOT_PROVISIONED,
    "429": TOO_MANY_UNVERIFIED_TOKENS,
    "503": AUTH_SERVICE_UNAVAILABLE,
}
