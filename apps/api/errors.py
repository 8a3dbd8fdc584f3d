"""The one handler that renders every API error, and the error pages Django serves outside DRF.

Every error body is `{"detail": str, "code": str}` (validation errors add `errors`). A database that
cannot answer is a 503 `service_unavailable` with `Retry-After`; a request Django refused to read is
a 4xx with its own code; an unexpected exception is a JSON 500 with no details; upstream bodies never
reach a response.
"""

import logging
from typing import Any

from django.core.exceptions import (
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse, UnreadablePostError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.authentication import DATABASE_UNAVAILABLE, ServiceUnavailable
from core.conf import remote_auth_settings

logger = logging.getLogger(__name__)


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


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """Return the JSON body of an API error: `detail` and `code`, plus `errors` for invalid input."""
    detail, codes = exc.detail, exc.get_codes()
    if isinstance(detail, dict) and "detail" in detail:
        code = codes.get("code") if isinstance(codes, dict) else None
        return {"detail": str(detail["detail"]), "code": str(code or detail.get("code", ""))}
    if isinstance(detail, (dict, list)):
        return {"detail": "Invalid input.", "code": "invalid", "errors": detail}
    return {"detail": str(detail), "code": str(codes)}


def database_unavailable(exc: Exception) -> ServiceUnavailable:
    """Return the 503 for a database that cannot answer now, logging which error it was."""
    logger.warning("database unavailable: %s", type(exc).__name__)
    return ServiceUnavailable(wait=int(remote_auth_settings.RETRY_AFTER))


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
        response.data = error_body(exc)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer a request refused before any view (e.g. a bad Host) with the API's error body."""
    error = refusal(exception)
    return JsonResponse(error_body(error), status=error.status_code)


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer an unknown URL with the API's error body instead of an HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Answer an unhandled error outside DRF with the API's error body, no details."""
    return JsonResponse({"detail": "Internal server error.", "code": "server_error"}, status=500)
