"""`python -m bench.hotpath [--calls N]`: profile our steady-state and shared-hit `authenticate()`.

For whoever optimises core/: starts the local auth server, configures Django like `python -m bench`,
then prints cProfile's top functions (by own time) for N calls of each path.
"""

import argparse
import cProfile
import io
import pstats
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from .processes import AuthServer
from .services import Stores, forget_run_keys, fresh_database, setup_django
from .tokens import make_tokens

TOP = 20


def profile(label: str, call: Callable[[], object], before: Callable[[], None], calls: int) -> str:
    """Return cProfile's report of `calls` calls of `call` (each after an unprofiled `before`)."""
    profiler = cProfile.Profile()
    for _ in range(calls):
        before()
        profiler.enable()
        call()
        profiler.disable()
    out = io.StringIO()
    out.write(f"=== {label}: {calls:,} calls ===\n")
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(TOP)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the profiles; return 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.hotpath", description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args(argv)
    stores = Stores()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        fresh_database(stores, stack)
        auth = AuthServer(Path(scratch) / "authserver.log")
        stack.callback(auth.stop)
        auth.start()
        setup_django(stores.django_env(auth.url))
        forget_run_keys(stores, auth.url)
        stack.callback(forget_run_keys, stores, auth.url)
        # Imported only now: these modules need Django configured.
        from core.authentication import RemoteJWTAuthentication
        from core.wiring import default_cache

        from .inprocess import bench_request

        request = bench_request(make_tokens(auth).remote)
        authentication = RemoteJWTAuthentication()
        authentication.authenticate(request)
        local = default_cache()
        print(
            profile(
                "steady state (in-process hit)",
                lambda: authentication.authenticate(request),
                lambda: None,
                args.calls,
            )
        )
        print(
            profile(
                "shared cache hit (Redis)",
                lambda: authentication.authenticate(request),
                local.clear_local_entries,
                args.calls // 4,
            )
        )
    return 0  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
