"""GET /metrics in the OpenAPI schema: a plain Django view, so drf-spectacular cannot see it."""

from typing import Any

METRICS: dict[str, Any] = {
    "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "description": "For operators: Prometheus text format, answered only to clients in "
        "`METRICS_ALLOWED_NETWORKS` (loopback by default); 404 with no body to anyone else.",
        "tags": ["operations"],
        "security": [],
        "responses": {
            "200": {
                "description": "The metrics.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
            "404": {"description": "The client address is not allowed (no body)."},
        },
    }
}


def document_metrics(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add GET /metrics to the generated schema (a drf-spectacular postprocessing hook)."""
    result["paths"]["/metrics"] = METRICS
    return result
