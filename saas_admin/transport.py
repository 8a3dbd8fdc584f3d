"""Send HTTP requests with a timeout, wait out 429/503 answers, and translate transport errors.

This is the one module that catches `requests` exceptions; it never looks at tokens.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from .errors import ServiceUnavailable
from .wire import error_fields, retry_after, where

logger = logging.getLogger(__name__)

Timeout = float | tuple[float, float]
# Answers that mean "not processed, come back later": safe to repeat for any method.
RETRYABLE = frozenset({429, 503})
# Answers that mean the server cannot serve now; 502/504 are not repeated (work may have run).
UNAVAILABLE = RETRYABLE | {502, 504}
DEFAULT_WAIT = 1.0


class Transport:
    """Send requests through one `requests.Session`; retry busy answers a bounded number of times.

    `max_retries` is how many times a 429/503 answer is repeated; each wait is its Retry-After
    (or DEFAULT_WAIT, doubling, when absent) capped at `max_retry_wait` seconds.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        timeout: Timeout = (3, 10),
        max_retries: int = 3,
        max_retry_wait: float = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_retries < 0 or max_retry_wait < 0:
            raise ValueError("max_retries and max_retry_wait must not be negative")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Return the answer to a request; raise ServiceUnavailable when unreachable or still busy."""
        kwargs.setdefault("timeout", self.timeout)
        for attempt in range(self.max_retries + 1):
            response = self._once(method, url, **kwargs)
            if response.status_code not in RETRYABLE or attempt == self.max_retries:
                break
            wait = self.wait(response, attempt)
            logger.info(
                "%s answered %s; retry %s of %s in %.1fs",
                where(response),
                response.status_code,
                attempt + 1,
                self.max_retries,
                wait,
            )
            self.sleep(wait)
        if response.status_code in UNAVAILABLE:
            raise unavailable(response)
        return response

    def wait(self, response: requests.Response, attempt: int) -> float:
        """Return how long to wait before repeating `response`'s request, at most the cap."""
        seconds = retry_after(response)
        if seconds is None:
            seconds = DEFAULT_WAIT * 2**attempt
        return min(seconds, self.max_retry_wait)

    def _once(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, **kwargs)
        except requests.Timeout as exc:
            raise ServiceUnavailable(f"{method} {_origin(url)}: timed out", "timeout") from exc
        except requests.RequestException as exc:
            message = f"{method} {_origin(url)}: cannot connect ({type(exc).__name__})"
            raise ServiceUnavailable(message, "connection_failed") from exc


def unavailable(response: requests.Response) -> ServiceUnavailable:
    """Return the error for a busy or unavailable answer, with the server's code and wait."""
    code, detail = error_fields(response)
    message = f"{where(response)} answered HTTP {response.status_code}: {detail}"
    return ServiceUnavailable(message, code, retry_after(response))


def _origin(url: str) -> str:
    """Return scheme://host[:port] of `url`, dropping any path, query or credentials."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}"
