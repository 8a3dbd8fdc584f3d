"""A Python client and a CLI for SaaS Admin's API consumers and operators (HTTP only, no Django).

    client = SaaSAdminClient("http://localhost:4000", "http://127.0.0.1:8000")
    client.login(email, password)
    client.whoami()

Errors are drawn in `saas_admin.errors`.
"""

from .client import SaaSAdminClient
from .errors import (
    ApiError,
    AuthenticationRequired,
    BadResponse,
    SaaSAdminError,
    ServiceUnavailable,
)
from .tokens import Tokens

__all__ = [
    "ApiError",
    "AuthenticationRequired",
    "BadResponse",
    "SaaSAdminClient",
    "SaaSAdminError",
    "ServiceUnavailable",
    "Tokens",
]
