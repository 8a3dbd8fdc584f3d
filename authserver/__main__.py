"""Run the local auth server: parse options, bind, print the URL, serve until signalled."""

import argparse
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .config import DEFAULT_SEED, DEV_SECRET, ENVELOPES, PROFILES, Config
from .keys import ALGORITHMS
from .seed import SeedError
from .server import AuthHTTPServer, build_server

logger = logging.getLogger("authserver")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Return the parsed command line."""
    parser = argparse.ArgumentParser(
        prog="saas-admin-authserver",
        description="Run an in-memory stand-in of the auth server (development and tests only).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000, help="0 picks a free port")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="seed JSON file")
    parser.add_argument(
        "--secret",
        default=os.environ.get("AUTH_JWT_SECRET", DEV_SECRET),
        help="HS256 signing key (default: $AUTH_JWT_SECRET, else a public dev-only value)",
    )
    parser.add_argument(
        "--algorithm", choices=ALGORITHMS, default="HS256", help="how access tokens are signed"
    )
    parser.add_argument("--access-ttl", type=int, default=900, help="access token seconds")
    parser.add_argument("--envelope", choices=ENVELOPES, default="wrapped")
    parser.add_argument("--rate-limit", type=int, help="requests per window per client IP")
    parser.add_argument("--rate-window", type=float, default=60.0, help="window in seconds")
    parser.add_argument(
        "--profile", choices=PROFILES, default="contract", help="which real server to imitate"
    )
    parser.add_argument(
        "--login-limit", type=int, help="logins per window per client IP (default: the profile's)"
    )
    parser.add_argument("--login-window", type=float, help="login window in seconds")
    parser.add_argument("--control", action="store_true", help="serve /__control__/")
    parser.add_argument("--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS)
    args = parser.parse_args(argv)
    if args.rate_limit is not None and args.rate_limit < 1:
        parser.error("--rate-limit must be at least 1")
    if args.login_limit is not None and args.login_limit < 0:
        parser.error("--login-limit must be 0 (none) or more")
    if args.login_window is not None and args.login_window <= 0:
        parser.error("--login-window must be positive")
    if args.access_ttl < 1 or args.rate_window <= 0:
        parser.error("--access-ttl and --rate-window must be positive")
    return args


def to_config(args: argparse.Namespace) -> Config:
    """Return the Config the parsed command line describes."""
    return Config(
        host=args.host,
        port=args.port,
        seed_path=args.seed,
        secret=args.secret,
        algorithm=args.algorithm,
        access_ttl=args.access_ttl,
        envelope=args.envelope,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        control=args.control,
        profile=args.profile,
        login_limit=args.login_limit,
        login_window=args.login_window,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; return the process exit code."""
    args = parse_args(argv)
    _configure_logging(args.log_level)
    try:
        server = build_server(to_config(args))
    except (SeedError, OSError) as exc:
        logger.error("cannot start: %s", exc)
        return 2
    stop = _stop_on_signals()
    print(f"authserver listening on {server.url}", flush=True)
    if server.app.issuer.weak_secret:
        logger.warning("signing key is a short or development value: local use only")
    _serve_until(server, stop)
    return 0


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # We warn once about a short key; PyJWT would warn again for each new call site.
    warnings.filterwarnings("ignore", message="The HMAC key is .* bytes long")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop


def _serve_until(server: AuthHTTPServer, stop: threading.Event) -> None:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="authserver", daemon=True
    )
    thread.start()
    stop.wait()
    logger.info("shutting down")
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
