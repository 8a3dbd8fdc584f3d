"""One refresh per refresh token at a time, across threads and processes (core.singleflight).

Parallel tabs send the same refresh token; with a rotating auth server only the first use is
accepted, and a second one may even end the session. So the first request refreshes, stores the
new pair in the shared cache for REFRESHED_TTL seconds under the old token's fingerprint, and every
concurrent request with that token gets the same pair.
"""

from functools import cache
from typing import Any

from django.core.signals import setting_changed

from apps.authentication.exceptions import InvalidRefreshToken
from apps.authentication.login import Gate, forward
from core.authentication import auth_service_unavailable
from core.conf import remote_auth_settings
from core.exceptions import BadResponse
from core.singleflight import SingleFlight
from core.tokens import fingerprint
from core.wiring import default_client, default_state

REFRESHED_TTL = 30


@cache
def refresh_flight() -> SingleFlight:
    """Return the process's single-flight of refreshes; a leader gets the auth server's timeouts."""
    wait = float(remote_auth_settings.CONNECT_TIMEOUT) + float(remote_auth_settings.READ_TIMEOUT)
    return SingleFlight(default_state(), lease=wait + 1, wait=wait + 2)


def forget_flight(**kwargs: Any) -> None:
    """Rebuild the single-flight on its next use (settings changed: the shared cache may have)."""
    refresh_flight.cache_clear()


setting_changed.connect(forget_flight)


def refresh_once(gate: Gate, refresh: str) -> tuple[str, str | None]:
    """Return the (access, refresh) pair `refresh` is exchanged for, asked once for all callers;
    raise `forward`'s DRF errors (InvalidRefreshToken when the auth server refuses it)."""
    state = default_state()
    key = state.key("browser-refreshed", fingerprint(refresh))

    def read() -> dict[str, Any] | None:
        stored = state.shared.get(key)
        return stored if isinstance(stored, dict) else None

    def work() -> dict[str, Any]:
        data = forward(gate, default_client().refresh, InvalidRefreshToken, refresh_token=refresh)
        access, rotated = data.get("accessToken"), data.get("refreshToken")
        if not isinstance(access, str):
            raise auth_service_unavailable(BadResponse("refresh answer has no accessToken"))
        pair = {"access": access, "refresh": rotated if isinstance(rotated, str) else refresh}
        state.shared.set(key, pair, REFRESHED_TTL)
        return pair

    pair = refresh_flight().run(key, work, read)
    return str(pair["access"]), pair["refresh"]
