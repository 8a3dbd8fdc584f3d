"""The variants under test: one table that the URLconf, the harness and the report share."""

from dataclasses import dataclass
from importlib.util import find_spec


@dataclass(frozen=True)
class Variant:
    """One way to authenticate the same endpoint."""

    number: int
    key: str
    title: str
    token: str  # which kind of token its requests carry: none | local | oidc | remote | fresh

    @property
    def path(self) -> str:
        """Return the URL path of this variant's endpoint."""
        return f"/bench/{self.key}"

    @property
    def label(self) -> str:
        """Return the name the report prints, e.g. "(6) ours, steady state"."""
        return f"({self.number}) {self.title}"


NONE = Variant(1, "none", "no authentication (AllowAny)", "none")
SIMPLEJWT = Variant(2, "simplejwt", "simplejwt, local token", "local")
OIDC = Variant(3, "oidc", "mozilla-django-oidc, /me per request", "oidc")
UNCACHED = Variant(4, "uncached", "ours, uncached", "remote")
SHARED_HIT = Variant(5, "redis", "ours, shared cache hit (Redis)", "remote")
STEADY = Variant(6, "remote", "ours, steady state (in-process hit)", "remote")
# The gateway's question, /api/auth/forward's view (headers and the caller's membership role).
FORWARD = Variant(7, "forward", "ForwardAuth, steady state (in-process hit)", "remote")
# Each request a token never seen before, of a user already mirrored (a refresh): the cold path.
NEW_TOKEN = Variant(8, "new", "ours, a new token (cold path)", "fresh")
VARIANTS = (NONE, SIMPLEJWT, OIDC, UNCACHED, SHARED_HIT, STEADY, FORWARD, NEW_TOKEN)


def installed(variant: Variant) -> bool:
    """Return False when a variant's library is missing (mozilla-django-oidc is bench-only)."""
    return variant is not OIDC or find_spec("mozilla_django_oidc") is not None
