"""The schema class of every view (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

drf-spectacular's AutoSchema, plus two things it cannot know: what authentication answers before a
view runs (401, 403, 429 and 503 on every operation that requires a Bearer token), and the `code`s of
each error response (an `ErrorResponse` renders as the Error body with `code` limited to them).
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ComponentIdentity, ResolvedComponent

from .extensions import BEARER, COOKIE, FORWARDED_COOKIE
from .responses import AUTHENTICATED, ErrorResponse
from .serializers import ErrorSerializer

JSON = "application/json"


def requires_bearer(security: list[dict[str, Any]] | None) -> bool:
    """Return True when every way to call the operation includes a token (Bearer or the
    browser's cookie, verified alike)."""
    tokens = (BEARER, COOKIE, FORWARDED_COOKIE)
    return bool(security) and all(
        any(name in requirement for name in tokens) for requirement in security or []
    )


class AutoSchema(openapi.AutoSchema):
    """Add authentication's error responses and render every ErrorResponse with its codes."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for status, response in self.error_responses(operation.get("security")).items():
            responses[status] = self.render_error(response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_responses(self, security: list[dict[str, Any]] | None) -> dict[str, ErrorResponse]:
        """Return the operation's ErrorResponses by status: its own, merged with authentication's."""
        declared: Any = self.get_response_serializers()
        own = {
            str(status): response
            for status, response in (declared.items() if isinstance(declared, dict) else [])
            if isinstance(response, ErrorResponse)
        }
        if not requires_bearer(security):
            return own
        merged = dict(AUTHENTICATED)
        for status, response in own.items():
            inherited = merged.get(status)
            merged[status] = response.merged(inherited) if inherited else response
        return merged

    def render_error(self, response: ErrorResponse) -> dict[str, Any]:
        """Return the response object, or a reference to it when it is a shared component."""
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        codes = {
            "type": "object",
            "properties": {"code": {"type": "string", "enum": [*response.codes]}},
        }
        body: dict[str, Any] = {"description": response.description}
        if response.headers:
            body["headers"] = response.headers
        body["content"] = {JSON: {"schema": {"allOf": [error, codes]}}}
        if response.component is None:
            return body
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=response.component,
            type=ResolvedComponent.RESPONSE,
            object=ComponentIdentity(response),  # type: ignore[no-untyped-call]
            schema=body,
        )
        self.registry.register_on_missing(component)
        return component.ref
