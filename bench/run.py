"""One benchmark run: start the processes, run each phase, stop everything, return the results."""

import time
from contextlib import ExitStack
from pathlib import Path

from .churn import run_churn, write_seed
from .endtoend import FreshTokens, fresh_pool_size, run_endtoend
from .flood import FLOOD_ENV, run_floods
from .load import wrk_version
from .meta import describe_machine
from .notes import method_notes
from .outage import run_outage
from .processes import ApiServer, AuthServer
from .profiles import Profile
from .report import Results
from .services import Stores, describe_stores, forget_run_keys, fresh_database, setup_django
from .tokens import fresh_remote_tokens, make_tokens, mint_fresh
from .upstream import burst, spread
from .variants import VARIANTS, installed

CONNECTIONS = 4  # two per gunicorn worker: each always has its next request waiting
# The auth server hashes every seed user's password at start (PBKDF2, 10,000 rounds).
SEEDED_STARTUP = 120.0


class Progress:
    """Print one line per phase with the seconds since the start."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[bench {time.monotonic() - self.started:6.1f}s] {message}", flush=True)


def measure(profile: Profile, stores: Stores, out: Path, say: Progress) -> Results:
    """Start what is needed, run every phase, stop everything (also on errors); return results."""
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        fresh_database(stores, stack)
        seed = write_seed(logs / "authserver-seed.json", 2 * profile.churn_users)
        auth = AuthServer(logs / "authserver.log", SEEDED_STARTUP, seed=seed)
        stack.callback(auth.stop)
        auth.start()
        say(f"auth server at {auth.url}; migrating database {stores.database}")
        env = stores.django_env(auth.url)
        setup_django(env)
        forget_run_keys(stores, auth.url)
        stack.callback(forget_run_keys, stores, auth.url)
        auth.reset()
        # Imported only now: these modules need Django configured.
        from core.conf import remote_auth_settings

        from .coldsplit import split_cold_path
        from .inprocess import run_inprocess

        tokens = make_tokens(auth)
        new_tokens = [fresh_remote_tokens(auth, profile.new_tokens) for _ in range(profile.rounds)]
        say(f"in process: {profile.rounds} rounds of authenticate() per variant")
        inprocess = run_inprocess(
            tokens,
            [fresh_remote_tokens(auth, 2), *new_tokens],
            rounds=profile.rounds,
            iterations=profile.calls,
            seconds=profile.call_seconds,
        )
        say(f"in process: the cold path's split over {profile.split_tokens} new tokens")
        split = split_cold_path(fresh_remote_tokens(auth, profile.split_tokens))
        apis = [ApiServer(env, logs / f"gunicorn-{name}.log") for name in ("a", "b")]
        for api in apis:
            stack.callback(api.stop)
            api.launch()
        for api in apis:
            api.wait_ready()
        available = {variant.key for variant in VARIANTS if installed(variant)}
        say(f"end to end: {profile.rounds} rounds of {len(available)} variants")
        fresh = FreshTokens(
            mint_fresh(auth, fresh_pool_size(profile.rounds, profile.load_seconds, CONNECTIONS))
        )
        endtoend = run_endtoend(
            apis[0],
            tokens,
            fresh,
            available,
            rounds=profile.rounds,
            seconds=profile.load_seconds,
            connections=CONNECTIONS,
        )
        say("upstream load: requests spread over tokens, then a burst")
        upstream = [
            spread(
                auth,
                apis[0],
                requests=profile.spread_requests,
                tokens=profile.spread_tokens,
                connections=CONNECTIONS,
            ),
            burst(auth, apis, size=profile.burst),
        ]
        say(f"churn: {profile.churn_tokens:,} new tokens on one instance, then on two")
        users, refreshes = profile.churn_users, profile.churn_refreshes
        churn = [
            run_churn(auth, apis[:1], first_user=0, users=users, refreshes=refreshes),
            run_churn(auth, apis, first_user=users, users=users, refreshes=refreshes),
        ]
        say("outage: auth server down")
        threshold = int(remote_auth_settings.BREAKER_THRESHOLD)
        outage = run_outage(
            auth,
            apis[0],
            threshold=threshold,
            rounds=profile.rounds,
            seconds=profile.outage_seconds,
            cold_tokens=profile.outage_tokens,
            cached_tokens=profile.cached_tokens,
        )
        say("floods from one client while a real user signs in from another")
        flooded = ApiServer({**env, **FLOOD_ENV}, logs / "gunicorn-flood.log")
        stack.callback(flooded.stop)
        flooded.launch().wait_ready()
        forget_run_keys(stores, auth.url)  # the outage left the shared breaker open
        floods = run_floods(
            auth, flooded, size=profile.flood_requests, user_tokens=profile.flood_user_tokens
        )
        loader = f"{wrk_version()} (-t1 -c{CONNECTIONS})"
        setup = (
            f"gunicorn 2 sync workers per instance · load: {loader} · {describe_stores(stores)}"
            " · auth server: local `python -m authserver` on loopback"
        )
        meta = describe_machine(mode=profile.name, setup=setup, load_generator=loader)
        notes = method_notes(profile, connections=CONNECTIONS, threshold=threshold)
        say("stopping processes")
    return Results(meta, inprocess, endtoend, upstream, outage, notes, floods, churn, split)
