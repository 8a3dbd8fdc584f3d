"""Floods from one client while a real user signs in from another (issue #10).

A third SaaS Admin instance runs with the production budget (120 calls a minute) and per-client
share (20). One client address floods it with junk tokens (they cannot be the auth server's: no
call at all), then with perfect-looking forged tokens (each one costs a call until that address's
share is spent, then 429). Meanwhile a real user on another address verifies fresh tokens: we
report the /me calls the auth server saw, the flooder's answers, and the user's answers and latency.
"""

import base64
import http.client
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import jwt

from core.contract.probe import percentile

from .load import REQUEST_TIMEOUT
from .processes import ApiServer, AuthServer
from .stats import median
from .tokens import fresh_remote_tokens
from .variants import STEADY

BUDGET, SHARE = 120, 20  # the production defaults, set explicitly for this instance
FLOOD_ENV = {
    "AUTH_UPSTREAM_BUDGET_PER_MINUTE": str(BUDGET),
    "AUTH_UPSTREAM_BUDGET_PER_CLIENT": str(SHARE),
}
FLOODER = "127.0.0.2"
USERS = {"junk": "127.0.0.3", "forged": "127.0.0.4"}  # a fresh share for each phase's user
THREADS = 4


@dataclass
class Flood:
    """One flood: what the flooder got, the /me calls seen meanwhile (the user's included), and
    what the real user saw."""

    name: str
    requests: int
    statuses: dict[int, int]
    upstream_calls: int
    user_statuses: dict[int, int]
    user_ms: list[float] = field(default_factory=list)

    @property
    def user_p50_ms(self) -> float:
        return median(self.user_ms)

    @property
    def user_max_ms(self) -> float:
        return percentile(self.user_ms, 1.0)

    @property
    def user_unaffected(self) -> bool:
        """Return True when every one of the real user's requests was answered 200."""
        return set(self.user_statuses) == {200}


def get(api: ApiServer, source: str, token: str) -> tuple[int, float]:
    """GET the steady-state endpoint from `source` with `token`; return (status, ms)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", api.port, timeout=REQUEST_TIMEOUT, source_address=(source, 0)
    )
    started = time.perf_counter()
    try:
        conn.request("GET", STEADY.path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def junk_token(n: int) -> str:
    """Return a token that cannot be the auth server's: no exp, an 8-character signature."""
    payload = base64.urlsafe_b64encode(json.dumps({"sub": n}).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.00000001"


def forged_token(n: int) -> str:
    """Return a perfect-looking HS256 token signed with a key the auth server does not have."""
    claims = {"sub": f"forged-{n}", "exp": int(time.time()) + 600, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, secrets.token_hex(32), algorithm="HS256")


def flood(
    name: str, auth: AuthServer, api: ApiServer, make: Callable[[int], str], size: int, user: int
) -> Flood:
    """Send `size` flood requests from FLOODER while the real user verifies `user` new tokens."""
    fresh = fresh_remote_tokens(auth, user)
    tokens = [make(n) for n in range(size)]
    before = auth.settled_me_calls()
    user_answers: list[tuple[int, float]] = []
    done = threading.Event()

    def real_user() -> None:
        for token in fresh:
            user_answers.append(get(api, USERS[name], token))
            if done.wait(0.05):
                break

    watcher = threading.Thread(target=real_user, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda token: get(api, FLOODER, token)[0], tokens))
    done.set()
    watcher.join(3 * REQUEST_TIMEOUT)
    return Flood(
        name=name,
        requests=size,
        statuses=dict(Counter(answers)),
        upstream_calls=auth.me_calls() - before,
        user_statuses=dict(Counter(status for status, _ in user_answers)),
        user_ms=[ms for _, ms in user_answers],
    )


def run_floods(auth: AuthServer, api: ApiServer, *, size: int, user_tokens: int) -> list[Flood]:
    """Run the junk flood, then the forged flood, against `api` (started with FLOOD_ENV)."""
    return [
        flood("junk", auth, api, junk_token, size, user_tokens),
        flood("forged", auth, api, forged_token, size, user_tokens),
    ]
