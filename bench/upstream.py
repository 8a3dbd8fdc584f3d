"""Upstream load: how many /me calls the auth server sees for many requests with few tokens.

Counts are read from the local auth server's control API before and after, so they include every
call any SaaS Admin process made, whichever worker or instance made it.
"""

import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from .load import REQUEST_TIMEOUT, python_load
from .processes import ApiServer, AuthServer
from .tokens import fresh_remote_tokens
from .variants import STEADY


@dataclass
class UpstreamCheck:
    """Requests sent, distinct tokens, and the /me calls they caused."""

    name: str
    requests: int
    tokens: int
    calls: int
    expected: int
    seconds: float
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def all_ok(self) -> bool:
        """Return True when every request was answered 200."""
        return set(self.statuses) == {200} and self.statuses[200] == self.requests

    @property
    def rps(self) -> float:
        """Return requests answered per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def passed(self) -> bool:
        return self.all_ok and self.calls == self.expected


def spread(
    auth: AuthServer, api: ApiServer, *, requests: int, tokens: int, connections: int
) -> UpstreamCheck:
    """Send `requests` requests spread over `tokens` new tokens, in shuffled order."""
    fresh = fresh_remote_tokens(auth, tokens)
    plan: list[str | None] = [fresh[i % tokens] for i in range(requests)]
    random.Random(6).shuffle(plan)
    before = auth.settled_me_calls()
    # Well inside POSITIVE_TTL (60 s): a longer run would re-verify expired entries, rightly.
    result = python_load(
        api.url, STEADY.path, plan, connections=connections, seconds=50, max_requests=requests
    )
    return UpstreamCheck(
        name=f"{requests:,} requests over {tokens} tokens",
        requests=requests,
        tokens=tokens,
        calls=auth.me_calls() - before,
        expected=tokens,
        seconds=result.seconds,
        statuses=result.statuses,
    )


def burst(auth: AuthServer, apis: list[ApiServer], *, size: int) -> UpstreamCheck:
    """Send `size` requests with one new token at once, alternating between the instances."""
    token = fresh_remote_tokens(auth, 1)[0]
    barrier = threading.Barrier(size)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def one(api: ApiServer) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.connect()  # connected first, so the requests leave together
            barrier.wait(REQUEST_TIMEOUT)
            conn.request("GET", STEADY.path, headers={"Authorization": f"Bearer {token}"})
            status = conn.getresponse().status
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError):
            status = 0
        finally:
            conn.close()
        with lock:
            statuses[status] += 1

    before, started = auth.settled_me_calls(), time.perf_counter()
    threads = [
        threading.Thread(target=one, args=(apis[i % len(apis)],), daemon=True) for i in range(size)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * REQUEST_TIMEOUT)
    return UpstreamCheck(
        name=f"burst of {size} concurrent requests, 1 new token, {len(apis)} instances",
        requests=size,
        tokens=1,
        calls=auth.me_calls() - before,
        expected=1,
        seconds=time.perf_counter() - started,
        statuses=dict(statuses),
    )
