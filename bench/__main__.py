"""`python -m bench [--quick | --tiny]`: measure every variant in one run and write the report.

Starts the local auth server and two gunicorn instances of SaaS Admin (bench settings), uses the
running PostgreSQL and Redis on loopback, and stops everything it started on exit, error or Ctrl-C.
Needs wrk (`bash .ci/services` installs it). Writes `latest.md` and `latest.json` into `--out`
(default bench/results); `python -m bench.readme` copies them into the README.
"""

import argparse
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from .load import WrkMissing, require_wrk
from .profiles import PROFILES
from .report import targets, write
from .run import Progress, measure
from .services import Stores

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick",
                      help="smaller counts, under two minutes")  # fmt: skip
    mode.add_argument("--tiny", dest="mode", action="store_const", const="tiny",
                      help="minimal counts: checks the harness works, measures nothing")  # fmt: skip
    parser.set_defaults(mode="full")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the report goes")
    parser.add_argument(
        "--database",
        default="bench",
        help="PostgreSQL database name prefix (the run creates <name>_<pid>, drops it after)",
    )
    parser.add_argument(
        "--redis-db", type=int, default=14, help="Redis db number (the run deletes its own keys)"
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default: the mode's)")
    return parser.parse_args(argv)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds the run's ExitStack: every process started stops


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 0 once the report is written, whatever the targets say, and 2
    when wrk is missing."""
    args = parse_args(argv)
    try:
        require_wrk()
    except WrkMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    say = Progress()
    say(f"mode {args.mode}")
    stores = Stores(args.database, args.redis_db)
    profile = PROFILES[args.mode]
    if args.rounds:
        profile = replace(profile, rounds=args.rounds)
    results = measure(profile, stores, args.out, say)
    md, js = write(results, args.out)
    for target in targets(results):
        print(f"  {target.status:4}  {target.name}: {target.measured}")
    say(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
