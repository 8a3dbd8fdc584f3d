"""The auth server contract as JSON Schemas, and checks of answers (and live servers) against it.

`validate(endpoint, body)` returns human-readable problems, empty when the body matches. The
schemas live in `schemas/`, one per endpoint answer, each accepting every variant
docs/auth-server-contract.md allows.
"""

from .validation import ENDPOINTS, schema, validate

__all__ = ["ENDPOINTS", "schema", "validate"]
