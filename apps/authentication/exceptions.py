"""API errors of the authentication endpoints, and the one handler that renders every API error.

Every error body is `{"detail": str, "code": str}` (validation errors add `errors`). An unexpected
exception is a JSON 500 with no details; upstream bodies never reach a response.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.authentication import AuthServiceUnavailable
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


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer an unknown URL with the API's error body instead of an HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Answer an unhandled error outside DRF with the API's error body, no details."""
    return JsonResponse({"detail": "Internal server error.", "code": "server_error"}, status=500)
