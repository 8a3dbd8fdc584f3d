"""Wire the parts together and run one request through the pipeline, without sockets.

Pipeline for `/api/...` and `/health`: count the call, apply a matching fault, apply the
rate limit (`/api/` only), then route. Control paths are only routed. Every error becomes
a JSON error envelope; an unexpected exception is logged and answered as a 500.
"""

import logging

from .accounts import AccountApi
from .api import SessionApi
from .calls import CallCounter
from .config import Config
from .control import ControlApi
from .errors import ApiError, ServerError, TooManyRequests
from .faults import FaultBook, apply_fault, slow_down
from .ratelimit import RateLimiter
from .routing import Route, Router
from .seed import Seed
from .shapes import Shapes, ShapeSettings
from .state import State
from .tokens import TokenIssuer
from .wire import Outcome, Request, error_response

logger = logging.getLogger(__name__)


class App:
    """Hold the server's state and collaborators and answer requests."""

    def __init__(self, config: Config, seed: Seed) -> None:
        self.state = State(seed, config.refresh_ttl)
        self.issuer = TokenIssuer(config.secret, config.access_ttl)
        self.shapes = Shapes(ShapeSettings(envelope=config.envelope))
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
        self.faults.clear()
        self.calls.clear()
        if self.limiter is not None:
            self.limiter.clear()

    def _routes(self, control: bool) -> list[Route]:
        routes = SessionApi(self.state, self.issuer, self.shapes).routes()
        routes += AccountApi(self.state, self.shapes).routes()
        if control:
            parts = (self.state, self.issuer, self.shapes, self.faults, self.calls)
            routes += ControlApi(*parts, reset=self.reset).routes()
        return routes

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
        if self.limiter is None or not request.path.startswith("/api/"):
            return
        retry_after = self.limiter.hit(request.client_ip)
        if retry_after is not None:
            raise TooManyRequests(headers={"Retry-After": str(retry_after)})


def is_upstream(path: str) -> bool:
    """Return whether `path` is one the real auth server answers (counted, faultable)."""
    return path == "/health" or path.startswith("/api/")
