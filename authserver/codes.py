"""Issue and redeem one-time secrets: email verification codes and password-reset tokens."""

import secrets
import threading
import time
from collections.abc import Callable

VERIFY_TTL_SECONDS = 24 * 3600
RESET_TTL_SECONDS = 3600


class CodeBook:
    """Hold the pending codes per email and reset tokens, each with an expiry."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._verify: dict[str, tuple[str, float]] = {}
        self._reset: dict[str, tuple[str, float]] = {}
        self._latest: dict[str, dict[str, str | None]] = {}

    def issue_verify(self, email: str) -> str:
        """Return a new 6-digit code for `email`, replacing any earlier one."""
        code = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._verify[email] = (code, self._clock() + VERIFY_TTL_SECONDS)
            self._remember(email, "verifyCode", code)
        return code

    def redeem_verify(self, email: str, code: str) -> bool:
        """Consume the code of `email` if `code` matches and is unexpired."""
        with self._lock:
            expected, expires_at = self._verify.get(email, ("", 0.0))
            valid = bool(expected) and expires_at > self._clock()
            if not (valid and secrets.compare_digest(expected, code)):
                return False
            del self._verify[email]
            return True

    def issue_reset(self, email: str) -> str:
        """Return a new password-reset token for `email`."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._reset[token] = (email, self._clock() + RESET_TTL_SECONDS)
            self._remember(email, "resetToken", token)
        return token

    def redeem_reset(self, token: str) -> str | None:
        """Consume `token` and return its email; None if unknown or expired."""
        with self._lock:
            email, expires_at = self._reset.pop(token, ("", 0.0))
        return email if email and expires_at > self._clock() else None

    def latest(self, email: str) -> dict[str, str | None]:
        """Return the last verification code and reset token issued for `email`."""
        with self._lock:
            found = self._latest.get(email, {})
            return {"verifyCode": found.get("verifyCode"), "resetToken": found.get("resetToken")}

    def clear(self) -> None:
        """Forget every code and token."""
        with self._lock:
            self._verify.clear()
            self._reset.clear()
            self._latest.clear()

    def _remember(self, email: str, kind: str, value: str) -> None:
        self._latest.setdefault(email, {})[kind] = value
