"""Map `METHOD /path` to handlers; `<name>` path segments become request params."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

from .errors import MethodNotAllowed, NotFound
from .wire import Request, Response

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    """Bind one method and path pattern to a handler."""

    method: str
    pattern: str
    handler: Handler


class Router:
    """Find the handler of a request; raise NotFound or MethodNotAllowed."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = list(routes)

    def resolve(self, request: Request) -> tuple[Handler, Request]:
        """Return the handler and the request carrying its path params."""
        allowed: list[str] = []
        for route in self._routes:
            params = _match(route.pattern, request.path)
            if params is None:
                continue
            if route.method == request.method:
                return route.handler, replace(request, params=params)
            allowed.append(route.method)
        if allowed:
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {request.path}.",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise NotFound(f"No route for {request.method} {request.path}.")


def _match(pattern: str, path: str) -> dict[str, str] | None:
    wanted = pattern.strip("/").split("/")
    given = path.strip("/").split("/")
    if len(wanted) != len(given):
        return None
    params: dict[str, str] = {}
    for want, got in zip(wanted, given, strict=True):
        if want.startswith("<") and want.endswith(">") and got:
            params[want[1:-1]] = unquote(got)
        elif want != got:
            return None
    return params
