"""Answer a database outage outside DRF views (the admin) as the API does: a JSON 503, not a 500."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from core.authentication import DATABASE_UNAVAILABLE

from .errors import database_unavailable, error_body


class DatabaseUnavailableMiddleware:
    """Turn a database error escaping any view into the API's 503 body with `Retry-After`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """Return the 503 JSON for a database error; None lets Django handle anything else."""
        if not isinstance(exc, DATABASE_UNAVAILABLE):
            return None
        error = database_unavailable(exc)
        response = JsonResponse(error_body(error), status=error.status_code)
        response["Retry-After"] = str(error.wait)
        return response
