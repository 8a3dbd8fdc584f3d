"""Worker classes under a slow auth server: sync queues every request behind slow calls.

`python -m bench.workers [--quick]`: the auth server answers `/me` after SLOW seconds (fault
`delay`). NEW requests with new tokens arrive at once while one client keeps asking with a token
verified before. Per worker class (2 workers each): how long until every new token was answered,
how many upstream calls that took, and the verified token's worst latency meanwhile (a sync
worker holding a slow call makes every request behind it wait).
"""

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import requests

from .processes import ApiServer, AuthServer
from .services import Stores, forget_run_keys, fresh_database, setup_django
from .tokens import REMOTE_USERS, TOKEN_TTL
from .variants import STEADY

SLOW = 2.0
LOGS = Path(__file__).resolve().parent / "results" / "logs"
CLASSES = {"sync": 1, "gthread (8 threads)": 8}


@dataclass(frozen=True)
class Row:
    """What one worker class did with the same load."""

    worker_class: str
    statuses: dict[int, int]
    wall: float
    upstream_calls: int
    cached_p50: float
    cached_max: float


def verify(api: ApiServer, token: str) -> tuple[int, float]:
    """Return the status and seconds of one request to our steady-state endpoint."""
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.get(f"{api.url}{STEADY.path}", headers=headers, timeout=60)
    return response.status_code, time.monotonic() - started


def run_class(api: ApiServer, auth: AuthServer, name: str, new: int) -> Row:
    """Send `new` new tokens at once plus a verified token in a loop; return the row."""
    auth.reset()
    verified = auth.mint(REMOTE_USERS[0], TOKEN_TTL)
    assert verify(api, verified)[0] == 200
    tokens = [auth.mint(REMOTE_USERS[n % 2], TOKEN_TTL) for n in range(new)]
    auth.reset_calls()
    auth.fault("delay", delay=SLOW, paths=["/api/auth/me"])
    cached: list[float] = []
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            cached.append(verify(api, verified)[1])

    started = time.monotonic()
    with ThreadPoolExecutor(new + 1) as pool:
        pool.submit(keep_asking)
        answers = list(pool.map(lambda token: verify(api, token)[0], tokens))
        wall = time.monotonic() - started
        done.set()
    auth.clear_faults()
    statuses = {status: answers.count(status) for status in sorted(set(answers))}
    return Row(name, statuses, wall, auth.me_calls(), statistics.median(cached), max(cached))


def table(rows: list[Row], new: int) -> str:
    """Return the rows as a Markdown table."""
    lines = [
        f"Auth server `/me` delayed {SLOW:g} s; {new} new tokens at once; 2 workers per class.",
        "",
        "| worker class | new tokens answered | wall s | `/me` calls | verified token p50 s | max s |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        answered = ", ".join(f"{count} x {status}" for status, count in row.statuses.items())
        lines.append(
            f"| {row.worker_class} | {answered} | {row.wall:.1f} | {row.upstream_calls} "
            f"| {row.cached_p50:.3f} | {row.cached_max:.3f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run both worker classes against the same slow auth server; print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="4 new tokens instead of 16")
    new = 4 if parser.parse_args(argv).quick else 16
    LOGS.mkdir(parents=True, exist_ok=True)
    stores = Stores()
    rows = []
    with ExitStack() as stack:
        fresh_database(stores, stack)
        auth = AuthServer(LOGS / "authserver-workers.log").start()
        stack.callback(auth.stop)
        env = stores.django_env(auth.url)
        setup_django(env)
        stack.callback(forget_run_keys, stores, auth.url)
        for name, threads in CLASSES.items():
            api = ApiServer(env, LOGS / f"gunicorn-{threads}.log", threads=threads).launch()
            stack.callback(api.stop)
            rows.append(run_class(api.wait_ready(), auth, name, new))
            api.stop()
    print(table(rows, new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
