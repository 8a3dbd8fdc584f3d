"""Where a new token's time goes: the auth server's `/me`, Redis commands, database queries.

Runs ours (`RemoteJWTAuthentication`, default wiring) once per never-seen token of an already
mirrored user, in process, with three meters on: `AuthServiceClient.me` (the network call and
the auth server's answer), Redis (each command's send and the wait for its reply, so a pipeline or
a script is one round trip) and the database (every query, through Django's
`connection.execute_wrapper`, and every COMMIT). The rest is Python: the token screen, hashing,
building the identity and the user, the ORM building its queries, the adapter's bookkeeping.
Needs Django configured.
"""

import time
from contextlib import ExitStack
from dataclasses import dataclass

from .inprocess import bench_request, check_answer
from .instrument import Meter, metered, metered_queries
from .variants import NEW_TOKEN


@dataclass(frozen=True)
class ColdSplit:
    """Mean microseconds per new token, overall and per kind of wait, with the calls made."""

    tokens: int
    total_us: float
    me_us: float
    redis_us: float
    db_us: float
    me_calls: float  # per token
    redis_round_trips: float
    db_queries: float  # COMMITs not counted

    @property
    def rest_us(self) -> float:
        """Return the time outside `/me`, Redis and the database: Python."""
        return self.total_us - self.me_us - self.redis_us - self.db_us


def split_cold_path(tokens: list[str]) -> ColdSplit:
    """Authenticate each never-seen token once, metered; return the mean split per token."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from redis.connection import AbstractConnection

    from core.authentication import RemoteJWTAuthentication
    from core.client import AuthServiceClient

    auth = RemoteJWTAuthentication()
    requests = [bench_request(token) for token in tokens]
    me, sends, replies, queries, commits = Meter(), Meter(), Meter(), Meter(), Meter()
    with ExitStack() as stack:
        stack.enter_context(metered(AuthServiceClient, "me", me))
        stack.enter_context(metered(AbstractConnection, "send_packed_command", sends))
        stack.enter_context(metered(AbstractConnection, "read_response", replies))
        stack.enter_context(metered_queries(queries))
        stack.enter_context(metered(BaseDatabaseWrapper, "_commit", commits))
        started = time.perf_counter()
        answers = [auth.authenticate(request) for request in requests]
        total = time.perf_counter() - started
    for answer in answers:
        check_answer(NEW_TOKEN, answer)
    n = len(tokens)
    return ColdSplit(
        tokens=n,
        total_us=total / n * 1e6,
        me_us=me.seconds / n * 1e6,
        redis_us=(sends.seconds + replies.seconds) / n * 1e6,
        db_us=(queries.seconds + commits.seconds) / n * 1e6,
        me_calls=me.calls / n,
        redis_round_trips=sends.calls / n,
        db_queries=queries.calls / n,
    )
