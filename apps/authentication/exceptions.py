"""API errors of the authentication endpoints, and the one handler that renders every API error.

Every error body is `{"detail": str, "code": str}` (validation errors add `errors`). A database that
cannot answer is a 503 `service_unavailable` with `Retry-After`, in DRF views and (through the
middleware) everywhere else; an unexpected exception is a JSON 500 with no details; upstream
bodies never reach a response.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.authentication import DATABASE_UNAVAILABLE, AuthServiceUnavailable, ServiceUnavailable
from core.conf import remote_auth_settings

logger = logging.getLogger(__name__)


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "E-mail or password is incorrect."
    default_code = "invalid_credentials"


class AccountNotAllowed(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "This account cannot sign in (unverified or disabled)."
    default_code = "account_not_allowed"


class InvalidRefreshToken(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The refresh token is invalid or has expired."
    default_code = "refresh_token_not_valid"


class RejectedRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The authentication service rejected the request."
    default_code = "rejected"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this service accepts."
    default_code = "request_too_large"


class TooManyFields(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request has more fields or files than this service accepts."
    default_code = "too_many_fields"


class BadHost(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The Host header names no host this service answers for."
    default_code = "bad_host"


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be read."
    default_code = "bad_request"


def refusal(exc: Exception) -> exceptions.APIException:
    """Return the API error for a request Django refused to read (a SuspiciousOperation)."""
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return TooManyFields()
    if isinstance(exc, DisallowedHost):
        return BadHost()
    return BadRequest()


class LoginIdentityUnavailable(AuthServiceUnavailable):
    default_detail = (
        "The auth server signed you in but could not say who you are right now; "
        "that session was closed. Try again shortly."
    )
    default_code = "login_identity_unavailable"

    def __init__(self, wait: int | None = None) -> None:
        super().__init__(wait=int(wait or remote_auth_settings.RETRY_AFTER))


class LoginIdentityUnknown(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = (
        "The auth server signed you in but would not say who you are; that session was closed."
    )
    default_code = "login_identity_unknown"


def _body(exc: exceptions.APIException) -> dict[str, Any]:
    detail, codes = exc.detail, exc.get_codes()
    if isinstance(detail, dict) and "detail" in detail:
        code = codes.get("code") if isinstance(codes, dict) else None
        return {"detail": str(detail["detail"]), "code": str(code or detail.get("code", ""))}
    if isinstance(detail, (dict, list)):
        return {"detail": "Invalid input.", "code": "invalid", "errors": detail}
    return {"detail": str(detail), "code": str(codes)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as JSON with a machine-readable `code`, never a 500 page."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation | UnreadablePostError):
        logger.warning("request refused: %s", type(exc).__name__)
        exc = refusal(exc)
    elif isinstance(exc, DATABASE_UNAVAILABLE):
        exc = database_unavailable(exc)
    response = exception_handler(exc, context)
    if response is None:
        logger.error("unhandled API error: %s", type(exc).__name__, exc_info=exc)
        return Response(
            {"detail": "Internal server error.", "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.APIException):
        response.data = _body(exc)
    return response


def database_unavailable(exc: Exception) -> ServiceUnavailable:
    """Return the 503 for a database that cannot answer now, logging which error it was."""
    logger.warning("database unavailable: %s", type(exc).__name__)
    return ServiceUnavailable(wait=int(remote_auth_settings.RETRY_AFTER))


class DatabaseUnavailableMiddleware:
    """Answer a database outage outside DRF views (the admin) like the API does: 503, not 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """Return the 503 JSON for a database error; None lets Django handle anything else."""
        if not isinstance(exc, DATABASE_UNAVAILABLE):
            return None
        error = database_unavailable(exc)
        response = JsonResponse(_body(error), status=error.status_code)
        response["Retry-After"] = str(error.wait)
        return response


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer a request refused before any view (e.g. a bad Host) with the API's error body."""
    error = refusal(exception)
    return JsonResponse(_body(error), status=error.status_code)


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer an unknown URL with the API's error body instead of an HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Answer an unhandled error outside DRF with the API's error body, no details."""
    return JsonResponse({"detail": "Internal server error.", "code": "server_error"}, status=500)
