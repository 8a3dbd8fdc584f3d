"""The tokens the variants carry, one per kind, made once per run."""

from dataclasses import dataclass
from datetime import timedelta

from .processes import AuthServer
from .variants import Variant

TOKEN_TTL = 2 * 3600  # longer than any run, so no token expires mid-measurement
LOCAL_USERNAME = "bench-local-user"
# mozilla-django-oidc finds users by e-mail and refuses an e-mail two users share; ours creates its
# users by remote id. Each gets its own seed users so neither trips over the other's rows.
OIDC_USER = "carol@globex.test"
REMOTE_USERS = ("alice@acme.test", "bob@acme.test")


@dataclass(frozen=True)
class Tokens:
    """One token per kind of variant."""

    local: str
    oidc: str
    remote: str

    def for_variant(self, variant: Variant) -> str | None:
        """Return the token a variant's requests carry (None: no header)."""
        return {"local": self.local, "oidc": self.oidc, "remote": self.remote}.get(variant.token)


def local_token() -> str:
    """Return a simplejwt access token for a local user (created when missing)."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    user, _ = get_user_model().objects.get_or_create(username=LOCAL_USERNAME)
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=TOKEN_TTL))
    return str(token)


def make_tokens(auth: AuthServer) -> Tokens:
    """Mint the run's tokens: a local one, and fresh ones from the auth server."""
    return Tokens(
        local=local_token(),
        oidc=auth.mint(OIDC_USER, TOKEN_TTL),
        remote=auth.mint(REMOTE_USERS[0], TOKEN_TTL),
    )


def fresh_remote_tokens(auth: AuthServer, count: int) -> list[str]:
    """Return `count` never-seen tokens spread over the remote users."""
    return [auth.mint(REMOTE_USERS[i % len(REMOTE_USERS)], TOKEN_TTL) for i in range(count)]


def mint_fresh(auth: AuthServer, count: int) -> list[str]:
    """Return `count` never-seen tokens spread over the remote users, minted in parallel."""
    emails = [REMOTE_USERS[i % len(REMOTE_USERS)] for i in range(count)]
    return auth.mint_many(emails, TOKEN_TTL)
