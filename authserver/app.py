"""Wire the parts together and run one request through the pipeline, without sockets.

Pipeline for `/api/...`, `/health` and the JWKS: count the call, apply a matching fault, apply the
rate limit (`/api/` only) and the profile's login limit, then route. Control paths are only
routed. Every error becomes a JSON error envelope; an unexpected exception is logged and
answered as a 500.
"""

import logging

from .accounts import AccountApi
from .api import SessionApi
from .calls import CallCounter
from .config import Config
from .control import ControlApi
from .errors import ApiError, ServerError, TooManyRequests
from .faults import FaultBook, apply_fault, slow_down
from .keys import KeyRing
from .profiles import DEFAULT_LOGIN_LIMITS, LoginLimit, Profiles, ProfileSettings
from .ratelimit import RateLimiter
from .routing import Route, Router
from .seed import Seed
from .shapes import Shapes, ShapeSettings
from .state import State
from .tokens import TokenIssuer
from .wire import Outcome, Request, Response, error_response, json_response

logger = logging.getLogger(__name__)
LOGIN = ("POST", "/api/auth/login")
JWKS_PATH = "/.well-known/jwks.json"


class App:
    """Hold the server's state and collaborators and answer requests."""

    def __init__(self, config: Config, seed: Seed) -> None:
        self.state = State(seed, config.refresh_ttl)
        self.issuer = TokenIssuer(KeyRing(config.secret, config.algorithm), config.access_ttl)
        self.shapes = Shapes(ShapeSettings(envelope=config.envelope))
        self.profiles = Profiles(profile_settings(config), self.shapes)
        self.faults = FaultBook()
        self.calls = CallCounter()
        self.limiter: RateLimiter | None = None
        if config.rate_limit is not None:
            self.limiter = RateLimiter(config.rate_limit, config.rate_window)
        self.router = Router(self._routes(config.control))

    def handle(self, request: Request) -> Outcome:
        """Return the outcome for `request`: a response, or DROP to close the connection."""
        try:
            return self._dispatch(request)
        except ApiError as exc:
            return error_response(exc)
        except Exception:
            logger.exception("unexpected error on %s %s", request.method, request.path)
            return error_response(ServerError())

    def reset(self) -> None:
        """Restore seed data and start-up shapes; clear faults, counts and rate limits."""
        self.state.reset()
        self.shapes.restore()
        self.profiles.restore()
        self.faults.clear()
        self.calls.clear()
        self.issuer.keys.reset()
        if self.limiter is not None:
            self.limiter.clear()

    def _routes(self, control: bool) -> list[Route]:
        routes = SessionApi(self.state, self.issuer, self.profiles).routes()
        routes.append(Route("GET", JWKS_PATH, self.jwks))
        routes += AccountApi(self.state, self.shapes).routes()
        if control:
            parts = (self.state, self.issuer, self.shapes, self.profiles, self.faults, self.calls)
            routes += ControlApi(*parts, reset=self.reset).routes()
        return routes

    def jwks(self, request: Request) -> Response:
        """Return the public keys tokens may be signed with (none while only HS256 is on)."""
        return json_response(200, self.issuer.keys.jwks())

    def _dispatch(self, request: Request) -> Outcome:
        fault = None
        if is_upstream(request.path):
            self.calls.add(request.method, request.path)
            fault = self.faults.take(request.path)
            outcome = apply_fault(fault) if fault is not None else None
            if outcome is not None:
                return outcome
            self._limit(request)
        handler, routed = self.router.resolve(request)
        return slow_down(handler(routed), fault)

    def _limit(self, request: Request) -> None:
        if not request.path.startswith("/api/"):
            return
        retry_after = self.limiter.hit(request.client_ip) if self.limiter else None
        if retry_after is None and (request.method, request.path) == LOGIN:
            retry_after = self.profiles.login_hit(request.client_ip)
        if retry_after is not None:
            raise TooManyRequests(headers={"Retry-After": str(retry_after)})


def profile_settings(config: Config) -> ProfileSettings:
    """Return the start-up profile with its login limit (the profile's own unless overridden)."""
    default = DEFAULT_LOGIN_LIMITS[config.profile]
    limit = config.login_limit if config.login_limit is not None else (default and default.limit)
    window = config.login_window or (default.window if default else 60.0)
    return ProfileSettings(config.profile, LoginLimit(limit, window) if limit else None)


def is_upstream(path: str) -> bool:
    """Return whether `path` is one the real auth server answers (counted, faultable)."""
    return path in ("/health", JWKS_PATH) or path.startswith("/api/")
