"""`python -m bench.modes [--tokens N] [--alg RS256|ES256]`: AUTH_VERIFY_MODE remote, jwks and
hybrid side by side, in process against the local auth server signing with `--alg`.

Per mode: the cold path (each call a token never seen, so no cache answers: median and p99 µs,
and upstream calls per token), the steady state (one token again and again: the in-process level),
and a forged-token flood (tokens signed with another key under the real `kid`: upstream calls).
A quick smoke, not a load test: one process, one thread. Prints one table.
"""

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from core.contract.probe import percentile

from .processes import AuthServer
from .services import Stores, forget_run_keys, fresh_database, setup_django
from .stats import median
from .tokens import REMOTE_USERS, TOKEN_TTL

MODES = ("remote", "jwks", "hybrid")
ME, JWKS = "GET /api/auth/me", "GET /.well-known/jwks.json"


def timed(call: Callable[[str], Any], tokens: list[str]) -> list[float]:
    """Return the µs of `call(token)` for each token."""
    samples = []
    for token in tokens:
        start = time.perf_counter_ns()
        call(token)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def forged(tokens: list[str], alg: str) -> list[str]:
    """Return the tokens' claims re-signed with a key of our own, keeping each `kid`."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key: Any = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if alg == "RS256"
        else ec.generate_private_key(ec.SECP256R1())
    )
    out = []
    for token in tokens:
        claims = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
        out.append(jwt.encode(claims, key, algorithm=alg, headers={"kid": header.get("kid")}))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; return 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.modes", description=__doc__)
    parser.add_argument("--tokens", type=int, default=200, help="tokens per phase and mode")
    parser.add_argument("--alg", choices=("RS256", "ES256"), default="RS256")
    parser.add_argument("--database", default="bench", help="PostgreSQL database name prefix")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis db number")
    args = parser.parse_args(argv)
    stores = Stores(args.database, args.redis_db)
    with ExitStack() as stack:
        fresh_database(stores, stack)
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        auth = AuthServer(scratch / "authserver.log").start()
        stack.callback(auth.stop)
        stack.callback(forget_run_keys, stores, auth.url)
        setup_django(stores.django_env(auth.url))
        from django.conf import settings
        from django.test import override_settings
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from core.authentication import RemoteJWTAuthentication

        def authenticate(token: str) -> Any:
            request = APIRequestFactory().get("/bench/", HTTP_AUTHORIZATION=f"Bearer {token}")
            try:
                return RemoteJWTAuthentication().authenticate(Request(request))
            except Exception as exc:  # a refusal is what the flood measures
                return exc

        auth.rotate_keys(args.alg)
        rows = [
            f"| mode ({args.alg}) | cold median µs | cold p99 µs | /me per new token "
            "| JWKS fetches | steady median µs | forged flood: /me calls |",
            "|---|---|---|---|---|---|---|",
        ]
        for mode in MODES:
            overrides = {**settings.REMOTE_AUTH, "VERIFY_MODE": mode}
            with override_settings(REMOTE_AUTH=overrides):
                users = [REMOTE_USERS[i % len(REMOTE_USERS)] for i in range(args.tokens)]
                fresh = [auth.mint(user, TOKEN_TTL) for user in users]
                fakes = forged([auth.mint(user, TOKEN_TTL) for user in users], args.alg)
                auth.reset_calls()
                cold = timed(authenticate, fresh)
                me, jwks = auth.calls(ME), auth.calls(JWKS)
                steady = timed(authenticate, [fresh[0]] * args.tokens)
                auth.reset_calls()
                timed(authenticate, fakes)
                flood = auth.calls(ME)
            rows.append(
                f"| {mode} | {median(cold):.0f} | {percentile(cold, 0.99):.0f} "
                f"| {me / args.tokens:.2f} | {jwks} | {median(steady):.1f} | {flood} |"
            )
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
