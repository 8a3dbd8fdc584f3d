"""Declare the errors of the client; none of them ever carries a token or a password.

SaaSAdminError                   every error of this package; `.code` is machine-readable
 ├── AuthenticationRequired      not logged in, or the session is over (refresh refused): log in
 ├── ServiceUnavailable          unreachable, timing out, or still busy (429/502/503/504) after
 │                               the retries; `.retry_after` in seconds when the server said so
 ├── ApiError                    any other error answer: `.status`, `.code`, `.detail`
 └── BadResponse                 a success answer that is not the JSON this client expects
"""


class SaaSAdminError(Exception):
    """Base of every error raised by `saas_admin`; `code` names the cause for scripts."""

    default_code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class AuthenticationRequired(SaaSAdminError):
    """Raised when there is no usable session: log in (again) to continue."""

    default_code = "authentication_required"


class ServiceUnavailable(SaaSAdminError):
    """Raised when a server cannot answer now; try again after `retry_after` seconds if given."""

    default_code = "service_unavailable"

    def __init__(
        self, message: str, code: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class ApiError(SaaSAdminError):
    """Raised for an error answer (4xx/5xx) that is not about the session or availability."""

    default_code = "api_error"

    def __init__(self, status: int, code: str | None, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}", code)
        self.status = status
        self.detail = detail


class BadResponse(SaaSAdminError):
    """Raised when a success answer cannot be read (not JSON, or a required field is missing)."""

    default_code = "bad_response"
