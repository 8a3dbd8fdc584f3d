"""Churn: many users each refreshing their token, end to end, on one instance and on two.

Every user gets `refreshes` tokens one after another (token 1 of every user, then token 2 of every
user, …), and each token is requested `REQUESTS_PER_TOKEN` times in a row, as a client does right
after a refresh, from several clients at once (so the same token's requests often meet in
single-flight, on one instance or across two). Every token is new: the auth server must see exactly
one `/me` per distinct token, and every answer must be 200. The same shape runs on one instance,
then on two instances on the same Redis and PostgreSQL, each with its own users (first seen in
that run), so both runs have the same totals to compare.
"""

import json
import uuid
from pathlib import Path

from authserver.config import DEFAULT_SEED

from .load import python_load
from .processes import ApiServer, AuthServer
from .tokens import TOKEN_TTL
from .upstream import UpstreamCheck
from .variants import STEADY

REQUESTS_PER_TOKEN = 2
CONNECTIONS_PER_INSTANCE = 4  # two per gunicorn worker, as end to end
CHURN_SECONDS = 900.0  # a bound only: the run stops after its last request
USER_NAMESPACE = uuid.UUID("8f1c0b52-0c7e-4d8e-9a57-5d0f3c3a0b11")


def churn_email(n: int) -> str:
    """Return the e-mail of churn user `n`."""
    return f"churn-{n:05d}@bench.test"


def write_seed(path: Path, users: int) -> Path:
    """Write the local auth server's demo seed plus `users` churn users to `path`; return it."""
    seed = json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))
    org = seed["organizations"][0]["id"]
    seed["users"] += [
        {
            "id": str(uuid.uuid5(USER_NAMESPACE, churn_email(n))),
            "email": churn_email(n),
            "password": f"churn-password-{n}",
            "firstName": "Churn",
            "lastName": f"User {n}",
            "emailVerified": True,
            "active": True,
            "role": "member",
            "org": org,
            "products": ["buildeasy"],
        }
        for n in range(users)
    ]
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


def churn_plan(tokens_by_user: list[list[str]]) -> list[str | None]:
    """Return the requests in order: refresh r of every user, each token REQUESTS_PER_TOKEN times."""
    refreshes = len(tokens_by_user[0]) if tokens_by_user else 0
    return [
        tokens[r]
        for r in range(refreshes)
        for tokens in tokens_by_user
        for _ in range(REQUESTS_PER_TOKEN)
    ]


def run_churn(
    auth: AuthServer, apis: list[ApiServer], *, first_user: int, users: int, refreshes: int
) -> UpstreamCheck:
    """Run churn users first_user … first_user+users-1 against `apis`; return the counts."""
    emails = [churn_email(first_user + n) for n in range(users)]
    minted = auth.mint_many([email for email in emails for _ in range(refreshes)], TOKEN_TTL)
    tokens_by_user = [minted[n * refreshes : (n + 1) * refreshes] for n in range(users)]
    plan = churn_plan(tokens_by_user)
    before = auth.settled_me_calls()
    result = python_load(
        [api.url for api in apis],
        STEADY.path,
        plan,
        connections=CONNECTIONS_PER_INSTANCE * len(apis),
        seconds=CHURN_SECONDS,
        max_requests=len(plan),
    )
    instances = "1 instance" if len(apis) == 1 else f"{len(apis)} instances"
    return UpstreamCheck(
        name=f"churn: {users:,} users x {refreshes} tokens, {instances}",
        requests=len(plan),
        tokens=len(minted),
        calls=auth.me_calls() - before,
        expected=len(minted),
        seconds=result.seconds,
        statuses=result.statuses,
    )
