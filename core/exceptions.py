"""What can go wrong when asking the auth server, independent of any web framework.

    AuthServiceError
    ├── Rejected             the auth server said no (401, or another 4xx but 408/429 with a JSON
    │                        body): the token or credentials are bad
    ├── CouldNotVouch        it could not vouch for anything now; a 503, retry after `retry_after`
    │   ├── Unavailable      it could not answer: connect error, timeout, 5xx, 408, 429, a 4xx whose
    │   │                    body is not JSON, breaker open, budget spent
    │   └── BadResponse      it answered something we cannot trust: non-JSON, wrong shape, no user id
    └── ShareSpent           not asked: this client spent its share of the upstream budget (a 429)

ShareSpent is not a CouldNotVouch: the auth server is fine and was never asked, so nothing may
stand in for its answer (no grace, no degraded mode), the breaker is not told, and the client, not
everyone, is told to wait.

Apart from them, UserDenied: the auth server vouched for the user, but our provisioning policy
refuses to give them a local account.

`reason` is for logs only; it never carries a token, a password or an upstream body.
"""


class AuthServiceError(Exception):
    """Base of every outcome of a call to the auth server that is not a success."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Rejected(AuthServiceError):
    """The auth server refused: `status` is its 4xx, `code` its error word when it gave one."""

    def __init__(self, reason: str, *, status: int, code: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.code = code


class CouldNotVouch(AuthServiceError):
    """The auth server could not vouch for a token now; retry after `retry_after` s (None: unknown)."""

    def __init__(self, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unavailable(CouldNotVouch):
    """The auth server could not answer.

    `status` is the auth server's HTTP status when it answered one (5xx, 408, 429, or a 4xx page).
    """

    def __init__(
        self, reason: str, *, retry_after: int | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.status = status


class BadResponse(CouldNotVouch):
    """The auth server answered with something that does not match the contract."""


class ShareSpent(AuthServiceError):
    """Not asked: the client spent its share of the upstream budget; retry after `retry_after` s."""

    def __init__(self, reason: str, *, retry_after: int) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class UserDenied(Exception):
    """Provisioning policy refuses this identity (mode `deny`, or an unsafe e-mail link)."""
