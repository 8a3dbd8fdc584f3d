"""Track login sessions: rotating refresh tokens and revoked access-token ids.

A session starts at login. Its refresh token is stored only as a SHA-256 hash; each
refresh swaps it for a new one, so a used token is unknown afterwards. The session also
remembers the ids (`jti`) of the access tokens issued with it, so logging out with the
refresh token alone revokes them too.
"""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class InvalidRefreshToken(Exception):
    """Raised when a refresh token is unknown, already used, revoked or expired."""


@dataclass
class Session:
    """Hold one login: its user, current refresh-token hash and access-token ids."""

    id: str
    user_id: str
    refresh_hash: str
    expires_at: float
    access: dict[str, float] = field(default_factory=dict)


class SessionBook:
    """Open, rotate and close sessions; remember revoked access tokens until they expire."""

    def __init__(self, refresh_ttl: float, clock: Callable[[], float] = time.time) -> None:
        self._ttl = refresh_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._by_refresh: dict[str, str] = {}
        self._revoked: dict[str, float] = {}

    def open(self, user_id: str) -> tuple[str, str]:
        """Start a session for `user_id`; return its id and first refresh token."""
        token, digest = _new_refresh()
        session = Session(secrets.token_hex(8), user_id, digest, self._clock() + self._ttl)
        with self._lock:
            self._sessions[session.id] = session
            self._by_refresh[digest] = session.id
        return session.id, token

    def attach(self, session_id: str, jti: str, exp: float) -> None:
        """Record that access token `jti` (expiring at `exp`) belongs to the session."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.access[jti] = exp

    def rotate(self, refresh_token: str) -> tuple[str, str, str]:
        """Swap a valid refresh token for a new one; return session id, user id, token."""
        token, digest = _new_refresh()
        with self._lock:
            session = self._live(refresh_token)
            del self._by_refresh[session.refresh_hash]
            session.refresh_hash = digest
            session.expires_at = self._clock() + self._ttl
            self._by_refresh[digest] = session.id
            return session.id, session.user_id, token

    def close(self, refresh_token: str, *, revoke_access: bool = True) -> bool:
        """End the session of `refresh_token` (and its access tokens); False if unknown."""
        with self._lock:
            try:
                session = self._live(refresh_token)
            except InvalidRefreshToken:
                return False
            self._end(session, revoke_access=revoke_access)
            return True

    def close_user(self, user_id: str) -> int:
        """End every session of `user_id` (refresh tokens only); return how many."""
        with self._lock:
            ended = [s for s in self._sessions.values() if s.user_id == user_id]
            for session in ended:
                self._end(session, revoke_access=False)
            return len(ended)

    def revoke_access(self, jti: str, exp: float) -> None:
        """Refuse access token `jti` from now on (remembered until `exp`)."""
        with self._lock:
            self._revoke(jti, exp)

    def open_count(self) -> int:
        """Return how many sessions are open (their refresh tokens still valid)."""
        now = self._clock()
        with self._lock:
            return sum(1 for session in self._sessions.values() if session.expires_at > now)

    def is_revoked(self, jti: str) -> bool:
        """Return whether access token `jti` was revoked."""
        return jti in self._revoked

    def clear(self) -> None:
        """Forget every session and revocation."""
        with self._lock:
            self._sessions.clear()
            self._by_refresh.clear()
            self._revoked.clear()

    def _live(self, refresh_token: str) -> Session:
        session_id = self._by_refresh.get(_digest(refresh_token))
        session = self._sessions.get(session_id) if session_id else None
        if session is None or session.expires_at <= self._clock():
            raise InvalidRefreshToken()
        return session

    def _end(self, session: Session, revoke_access: bool) -> None:
        self._sessions.pop(session.id, None)
        self._by_refresh.pop(session.refresh_hash, None)
        if revoke_access:
            for jti, exp in session.access.items():
                self._revoke(jti, exp)

    def _revoke(self, jti: str, exp: float) -> None:
        now = self._clock()
        # Expired tokens fail on their own, so their ids need not be kept.
        self._revoked = {j: e for j, e in self._revoked.items() if e > now}
        self._revoked[jti] = exp


def _new_refresh() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _digest(token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
